/** `drydock status`: is the engine reachable, and what is it. */
import type { ConnectionState } from '../../shared/contract'
import { DrydockError } from '../../shared/errors'
import { formatBytes } from '../../shared/format'
import { reportError, exitCodeFor } from '../errors'
import { EXIT, type ExitCode } from '../exit-codes'
import { printFacts, printJson, type CliIo, type GlobalOptions } from '../io'
import { openCliSession } from '../session'

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

function printEngine(io: CliIo, state: Extract<ConnectionState, { status: 'connected' }>): void {
  const engine = state.engine
  printFacts(io, [
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
  ])
}

export async function statusCommand(io: CliIo, options: GlobalOptions): Promise<ExitCode> {
  const session = openCliSession(options, io)
  try {
    const state = await session.client.getConnection()
    if (options.json) printJson(io, statusJson(state))
    if (state.status === 'connected') {
      if (!options.json) printEngine(io, state)
      return EXIT.ok
    }
    const error =
      state.status === 'unreachable'
        ? new DrydockError(state.code, state.reason)
        : new DrydockError('engine-unreachable', `Still connecting to ${state.host}.`)
    return options.json ? exitCodeFor(error) : reportError(io, error)
  } finally {
    session.close()
  }
}
