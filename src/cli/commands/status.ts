/** `drydock status`: is the engine reachable, and what is it. */
import type { ConnectionState } from '../../shared/contract'
import { DrydockError } from '../../shared/errors'
import { formatBytes } from '../../shared/format'
import type { DiskUsage } from '../../shared/usage'
import { reportError, exitCodeFor } from '../errors'
import { EXIT, type ExitCode } from '../exit-codes'
import { printFacts, printJson, type CliIo, type GlobalOptions } from '../io'
import { openCliSession, printHostWarnings } from '../session'

function statusJson(state: ConnectionState): unknown {
  if (state.status === 'connected') return { engine: { reachable: true, ...state.engine } }
  return {
    engine: {
      reachable: false,
      host: state.host,
      reason: state.status === 'unreachable' ? state.reason : 'still connecting',
    },
  }
}

function engineFacts(state: Extract<ConnectionState, { status: 'connected' }>): [string, string][] {
  const engine = state.engine
  return [
    ['Engine', `reachable at ${engine.host} (${engine.hostSource})`],
    ['Version', `${engine.version} (API ${engine.apiVersion})`],
    ['OS', `${engine.os} (${engine.osType}/${engine.arch}, kernel ${engine.kernelVersion})`],
    [
      'Storage',
      engine.engineKind === 'podman'
        ? `${engine.storageDriver} (Podman's containers/storage)`
        : `${engine.storageDriver} (${engine.imageStore} image store)`,
    ],
    ['Data root', engine.dataRoot],
    ['Resources', `${engine.cpus} CPUs, ${formatBytes(engine.memoryBytes)} memory`],
    [
      'Objects',
      `${engine.images} images, ${engine.containers} containers (${engine.containersRunning} running)`,
    ],
  ]
}

function share(free: number, total: number): string {
  return total > 0 ? ` (${Math.round((100 * free) / total)}%)` : ''
}

/** Where the engine runs, as it is: a local socket is not "remote". */
export function locationFact(usage: DiskUsage, host: string): string {
  if (usage.engineLocation === 'vm') return `In a VM (${usage.vmDisk?.product ?? 'unknown'})`
  const scheme = /^([a-z]+):\/\//i.exec(host)?.[1]?.toLowerCase() ?? ''
  if (usage.engineLocation === 'remote') return `Remote (${scheme === 'ssh' ? 'ssh' : 'tcp'})`
  return scheme === 'tcp' || scheme === 'http' || scheme === 'https'
    ? 'Local (tcp to this machine)'
    : 'Local'
}

/** The usage lines of `drydock status`, each figure with where it came from. */
export function usageFacts(usage: DiskUsage, host: string): [string, string][] {
  const facts: [string, string][] = [
    ['Images', `${formatBytes(usage.imagesBytes)} in ${usage.imageCount} images`],
    ['Containers', `${formatBytes(usage.containersBytes)} in ${usage.containerCount} containers`],
    [
      'Volumes',
      `${formatBytes(usage.volumesBytes)} in ${usage.volumeCount} volumes (${usage.unusedVolumeCount} unused)`,
    ],
    ['Build cache', formatBytes(usage.buildCacheBytes)],
    ['Location', locationFact(usage, host)],
  ]
  const source =
    usage.freeSource === 'probe'
      ? 'measured inside the engine (probe container)'
      : 'statfs of the data root on this machine'
  if (usage.freeBytes === null) {
    facts.push(['Free space', 'unknown: it could not be measured inside the engine'])
  } else if (usage.totalBytes === null) {
    facts.push([
      'Free space',
      `${formatBytes(usage.freeBytes)} free where the engine writes; ${source}`,
    ])
  } else {
    facts.push([
      'Free space',
      `${formatBytes(usage.freeBytes)} free of ${formatBytes(usage.totalBytes)}${share(usage.freeBytes, usage.totalBytes)} where the engine writes; ${source}`,
    ])
  }
  if (usage.hostDisk) {
    const disk = usage.hostDisk
    facts.push([
      'Host disk',
      `${formatBytes(disk.freeBytes)} free of ${formatBytes(disk.totalBytes)}${share(disk.freeBytes, disk.totalBytes)} at ${disk.path}`,
    ])
  }
  if (usage.vmDisk) {
    const vm = usage.vmDisk
    facts.push([
      'VM disk file',
      vm.path === null
        ? `not found where ${vm.product} keeps it`
        : `${vm.path}: ${vm.allocatedBytes === null ? 'size unknown' : `${formatBytes(vm.allocatedBytes)} allocated`}`,
    ])
    facts.push(['', vm.explanation])
  }
  return facts
}

export async function statusCommand(io: CliIo, options: GlobalOptions): Promise<ExitCode> {
  // The host's warnings (plain tcp) are part of what status reports.
  const session = openCliSession(options, io, 'in-process', 'caller')
  const warnings = session.hostWarnings
  const warned = warnings.length > 0 ? { warnings } : {}
  try {
    const state = await session.client.getConnection()
    if (state.status === 'connected') {
      // Runs a crash interrupted are settled as soon as the engine answers.
      await session.service.connections.settleInterrupted()
      const [usage, monitor] = await Promise.all([
        session.client.getDiskUsage().catch((error: unknown) => error as Error),
        session.client.getMonitorState().catch(() => null),
      ])
      // The low-disk alerts the app or `drydock watch` raised for this engine and still hold.
      const alerts = (monitor?.active ?? []).filter((alert) => alert.engineHost === state.host)
      if (options.json) {
        printJson(io, {
          ...(statusJson(state) as object),
          ...warned,
          usage: usage instanceof Error ? null : usage,
          alerts,
        })
      } else {
        printFacts(io, [
          ...engineFacts(state),
          ...(usage instanceof Error
            ? [['Usage', `unavailable: ${usage.message}`] as [string, string]]
            : usageFacts(usage, state.host)),
          ...alerts.map((alert): [string, string] => ['Alert', alert.message]),
          ...warnings.map((warning): [string, string] => ['Warning', warning]),
        ])
      }
      return EXIT.ok
    }
    if (options.json) printJson(io, { ...(statusJson(state) as object), ...warned })
    else printHostWarnings(io, warnings)
    const error =
      state.status === 'unreachable'
        ? new DrydockError(state.code, state.reason)
        : new DrydockError('engine-unreachable', `Still connecting to ${state.host}.`)
    return options.json ? exitCodeFor(error) : reportError(io, error)
  } finally {
    session.close()
  }
}
