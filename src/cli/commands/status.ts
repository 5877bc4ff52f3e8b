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
    ['Storage', `${engine.storageDriver} (${engine.imageStore} image store)`],
    ['Data root', engine.dataRoot],
    ['Resources', `${engine.cpus} CPUs, ${formatBytes(engine.memoryBytes)} memory`],
    [
      'Objects',
      `${engine.images} images, ${engine.containers} containers (${engine.containersRunning} running)`,
    ],
  ]
}

function usageFacts(usage: DiskUsage): [string, string][] {
  return [
    ['Images', `${formatBytes(usage.imagesBytes)} in ${usage.imageCount} images`],
    ['Containers', `${formatBytes(usage.containersBytes)} in ${usage.containerCount} containers`],
    [
      'Volumes',
      `${formatBytes(usage.volumesBytes)} in ${usage.volumeCount} volumes (${usage.unusedVolumeCount} unused)`,
    ],
    ['Build cache', formatBytes(usage.buildCacheBytes)],
    [
      'Free space',
      usage.freeBytes === null || usage.totalBytes === null
        ? 'unknown (remote engine)'
        : `${formatBytes(usage.freeBytes)} free of ${formatBytes(usage.totalBytes)} (${Math.round((100 * usage.freeBytes) / usage.totalBytes)}%) where the data root is`,
    ],
  ]
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
            : usageFacts(usage)),
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
