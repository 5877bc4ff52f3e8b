/**
 * The first engine requests of a command, from the command line alone, before commander and the
 * core are loaded (core/engine/early-reads.ts says why). Only for the commands that read the
 * inventory; the host resolved as the service will resolve it (`--host`, DOCKER_HOST, the docker
 * context, the default). A guess that turns out wrong costs only the requests: the service adopts
 * them only when they went to the host it connects to, and lists them again otherwise.
 */
import { homedir } from 'node:os'
import {
  canReadBuildCacheOverGrpc,
  openBuildCacheChannel,
  type BuildCacheChannel,
} from '../core/engine/build-cache-grpc'
import { startEarlyBuildCache, startEarlyReads, type EarlyReads } from '../core/engine/early-reads'
import { identityFromInfo, type InfoAnswer } from '../core/engine/engine-kind'
import { resolveHost } from '../core/engine/host'
import { defaultDatabasePath } from '../core/store/database-path'
import { engineHeader, type EngineHeaderOnce } from './engine-header'

/** Commands that read the images and containers first thing. */
const INVENTORY_COMMANDS = new Set(['plan', 'clean', 'images'])
/** Commands whose terminal output starts with the engine (engine-header.ts). */
const HEADED_COMMANDS = new Set(['plan', 'clean'])

/** The early requests, and the engine header when this entry printed it. */
export type CliEarlyReads = EarlyReads & { header?: EngineHeaderOnce }
/** Global options that take a value (src/cli/program.ts). */
const GLOBAL_VALUES = new Set(['--host', '--db'])
/** Selection flags that need the containers' writable-layer sizes (selection-options.ts). */
const SIZED = /^--(system|stopped-containers|container|with-containers|target-size)(=|$)/
/** Selection flags whose plans read BuildKit's records (build cache, or all of `--system`). */
const RECORDS = /^--(system|build-cache|cache-record|keep-storage|target-size)(=|$)/
/** How long to let the requests leave before loading the rest of the CLI synchronously. */
const SEND_WAIT_MS = 50
/** How long to wait for the engine's first answer (the header) before loading the rest. */
const HEADER_WAIT_MS = 60

export async function startCliEarlyReads(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): Promise<CliEarlyReads | null> {
  let command: string | undefined
  let json = false
  let host: string | undefined
  let db: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') break
    if (arg === '-h' || arg === '--help' || arg === '-v' || arg === '--version') return null
    if (arg === '--json') json = true
    else if (arg.startsWith('--host=')) host = arg.slice('--host='.length)
    else if (arg.startsWith('--db=')) db = arg.slice('--db='.length)
    else if (GLOBAL_VALUES.has(arg)) {
      if (arg === '--host') host = argv[i + 1]
      else db = argv[i + 1]
      i++
    } else if (command === undefined && !arg.startsWith('-')) command = arg
  }
  if (!command || !INVENTORY_COMMANDS.has(command)) return null
  let channel: BuildCacheChannel | null = null
  try {
    const resolved = resolveHost({ explicit: host, env, platform: process.platform })
    const early = startEarlyReads(resolved, {
      lists: true,
      containerSizes: argv.some((arg) => SIZED.test(arg)),
    })
    if (!early) return null
    const header =
      HEADED_COMMANDS.has(command) && !json && process.stdout.isTTY
        ? printHeaderOnAnswer(early, resolved.url)
        : undefined
    // BuildKit's records take the engine ~100 ms on 2,000 images, the longest answer of a plan:
    // asked for beside the lists when the plan surely needs them (its flags) or likely does (the
    // log has seen images BuildKit built: then they may hold those images' layers). The
    // connection's upgrade goes now, so the engine's 101 comes back while the log is read.
    channel =
      command !== 'images' && canReadBuildCacheOverGrpc(resolved)
        ? openBuildCacheChannel(resolved)
        : null
    await early.pipelined.sent(SEND_WAIT_MS)
    if (
      channel &&
      (argv.some((arg) => RECORDS.test(arg)) ||
        (await logKnowsBuildKit(db ?? defaultDatabasePath(env, process.platform, homedir()))))
    ) {
      await startEarlyBuildCache(early, channel, SEND_WAIT_MS)
    } else channel?.close()
    if (!header) return early
    // The header first, then the bulk of the CLI: loading it blocks for ~100 ms, and answers
    // that arrive meanwhile would wait for it. The engine's list answers take longer anyway.
    await Promise.race([header.printed, delay(HEADER_WAIT_MS)])
    return Object.assign(early, { header: header.once })
  } catch {
    channel?.close()
    return null // an unusable host: the service says why
  }
}

/** Whether the log has seen an image built by BuildKit (read-only; false when unsure). */
async function logKnowsBuildKit(path: string): Promise<boolean> {
  // Its own small chunk: SQLite loads only here, after the first requests have left.
  const { knowsBuildKit } = await import('../core/store/build-kit-hint')
  return knowsBuildKit(path)
}

/**
 * Prints the engine header as soon as the engine has answered anything: a plan's first useful
 * output, while the rest of the CLI still loads. Every answer's headers name the engine; `/info`
 * names it too, where a proxy dropped them. The command skips its own once this printed it.
 */
function printHeaderOnAnswer(
  early: EarlyReads,
  host: string,
): { once: EngineHeaderOnce; printed: Promise<void> } {
  const header: EngineHeaderOnce = { shown: false }
  const identity = Promise.race([
    early.identified.then((headers) => identityFromInfo({}, headers)),
    early.info.then(({ body, headers }) => identityFromInfo((body ?? {}) as InfoAnswer, headers)),
  ])
  const printed = identity.then(
    ({ kind, version }) => {
      if (header.shown) return
      header.shown = true
      process.stdout.write(`${engineHeader({ engineKind: kind, version, host })}\n`)
    },
    () => undefined, // the service reports an engine that does not answer
  )
  return { once: header, printed }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
