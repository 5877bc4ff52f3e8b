/**
 * The free-space card's honest words: where the engine runs, where the free figure came from,
 * why it may be missing, and, for an engine in a VM, this machine's disk and the VM's disk file.
 */
import { formatBytes } from '../../../shared/format'
import type { DiskUsage } from '../../../shared/usage'

/** The location badge: "Local", "In a VM (Docker Desktop)", "Remote (ssh)". */
export function locationBadge(
  usage: Pick<DiskUsage, 'engineLocation' | 'vmDisk'>,
  host: string,
): string {
  switch (usage.engineLocation) {
    case 'local':
      return 'Local'
    case 'vm':
      return usage.vmDisk ? `In a VM (${usage.vmDisk.product})` : 'In a VM'
    case 'remote': {
      const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(host)?.[1]?.toLowerCase()
      return scheme === 'ssh' || scheme === 'tcp' ? `Remote (${scheme})` : 'Remote'
    }
  }
}

/** Where freeBytes came from, as the end of "12 GB free …"; null when it is unknown. */
export function freeSourceText(source: DiskUsage['freeSource']): string | null {
  switch (source) {
    case 'host-statfs':
      return 'on this machine'
    case 'probe':
      return 'measured inside the engine'
    case null:
      return null
  }
}

/** What the card says when the free space is not known: never "remote" for a local engine. */
export function unknownFreeText(
  usage: Pick<DiskUsage, 'engineLocation' | 'vmDisk'>,
  host: string,
): { title: string; detail: string } {
  const title = 'Free space could not be measured.'
  switch (usage.engineLocation) {
    case 'local':
      return {
        title,
        detail:
          'Drydock could read neither the disk holding the engine’s data on this machine nor a measurement from inside the engine. Alerts on Docker’s own usage still work.',
      }
    case 'vm':
      return {
        title,
        detail: `The engine runs in a VM${usage.vmDisk ? ` (${usage.vmDisk.product})` : ''}, and the measurement from inside it did not answer. Alerts on Docker’s own usage still work.`,
      }
    case 'remote':
      return {
        title,
        detail: `The engine at ${host} is on another machine, and the measurement from inside it did not answer. Alerts on Docker’s own usage still work.`,
      }
  }
}

/** For an engine in a VM: this machine's disk (where the VM's disk file is), one line. */
export function hostDiskLine(hostDisk: NonNullable<DiskUsage['hostDisk']>): string {
  const total = Math.max(hostDisk.totalBytes, 1)
  const percent = Math.round((100 * hostDisk.freeBytes) / total)
  return `${formatBytes(hostDisk.freeBytes)} free of ${formatBytes(hostDisk.totalBytes)} (${percent}%)`
}

/** The VM's disk file: what it takes on this machine, or why that is not known. */
export function vmDiskLine(vmDisk: NonNullable<DiskUsage['vmDisk']>): string {
  if (vmDisk.path === null) {
    return `${vmDisk.product}’s disk file was not found where it keeps it.`
  }
  if (vmDisk.allocatedBytes === null) {
    return `${vmDisk.product}’s disk file is at ${vmDisk.path}; its size could not be read.`
  }
  return `${vmDisk.product}’s disk file takes ${formatBytes(vmDisk.allocatedBytes)} on this machine.`
}
