/** The sentences of alerts: one for a notification, one for when the disk recovered. */
import { formatBytes } from '../../shared/format'
import type { AlertKind } from '../../shared/monitor'
import type { DiskUsage } from '../../shared/usage'
import { dockerBytesOf } from './thresholds'

function reclaimSentence(reclaimableBytes: number | null): string {
  if (reclaimableBytes === null) return ''
  if (reclaimableBytes === 0) return ' A safe cleanup would free nothing.'
  return ` Drydock can free ${formatBytes(reclaimableBytes)}.`
}

/** "Disk almost full: 2.1 GB free. Drydock can free 4.1 GB." */
export function alertMessage(input: {
  kind: AlertKind
  level: 'warning' | 'critical'
  valueBytes: number
  thresholdBytes: number
  reclaimableBytes: number | null
  /** free-space: the engine's disk, or this machine's disk holding a VM's disk file. */
  disk?: 'engine' | 'host'
}): string {
  const value = formatBytes(input.valueBytes)
  if (input.kind === 'free-space' && input.disk === 'host') {
    const head = `${input.level === 'critical' ? 'Host disk critically low' : 'Host disk almost full'}: ${value} free where the VM's disk file is.`
    const inside =
      input.reclaimableBytes !== null && input.reclaimableBytes > 0
        ? ` Drydock can free ${formatBytes(input.reclaimableBytes)} inside the VM; the file shrinks once that space is trimmed.`
        : ''
    return head + inside
  }
  const head =
    input.kind === 'free-space'
      ? `${input.level === 'critical' ? 'Disk critically low' : 'Disk almost full'}: ${value} free.`
      : `Docker is using ${value}, ${input.level === 'critical' ? 'far ' : ''}over the ${formatBytes(input.thresholdBytes)} limit.`
  return head + reclaimSentence(input.reclaimableBytes)
}

/** What the disk looks like now that an alert of `kind` cleared. */
export function recoveryMessage(kind: AlertKind, usage: DiskUsage): string {
  if (kind === 'free-space') {
    return usage.freeBytes === null
      ? 'Free space alert cleared.'
      : `Free space recovered: ${formatBytes(usage.freeBytes)} free.`
  }
  return `Docker usage is back under the limit: ${formatBytes(dockerBytesOf(usage))}.`
}
