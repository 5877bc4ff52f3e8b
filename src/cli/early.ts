/**
 * The first engine requests of a command, from the command line alone, before commander and the
 * core are loaded (core/engine/early-reads.ts says why). Only for the commands that read the
 * inventory; the host resolved as the service will resolve it (`--host`, DOCKER_HOST, the docker
 * context, the default). A guess that turns out wrong costs only the requests: the service adopts
 * them only when they went to the host it connects to, and lists them again otherwise.
 */
import { homedir } from 'node:os'
import { startEarlyBuildCache, startEarlyReads, type EarlyReads } from '../core/engine/early-reads'
import { resolveHost } from '../core/engine/host'
import { defaultDatabasePath } from '../core/store/database-path'

/** Commands that read the images and containers first thing. */
const INVENTORY_COMMANDS = new Set(['plan', 'clean', 'images'])
/** Global options that take a value (src/cli/program.ts). */
const GLOBAL_VALUES = new Set(['--host', '--db'])
/** Selection flags that need the containers' writable-layer sizes (selection-options.ts). */
const SIZED = /^--(system|stopped-containers|container|with-containers|target-size)(=|$)/
/** Selection flags whose plans read BuildKit's records (build cache, or all of `--system`). */
const RECORDS = /^--(system|build-cache|cache-record|keep-storage|target-size)(=|$)/
/** How long to let the requests leave before loading the rest of the CLI synchronously. */
const SEND_WAIT_MS = 50

export async function startCliEarlyReads(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): Promise<EarlyReads | null> {
  let command: string | undefined
  let host: string | undefined
  let db: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') break
    if (arg === '-h' || arg === '--help' || arg === '-v' || arg === '--version') return null
    if (arg.startsWith('--host=')) host = arg.slice('--host='.length)
    else if (arg.startsWith('--db=')) db = arg.slice('--db='.length)
    else if (GLOBAL_VALUES.has(arg)) {
      if (arg === '--host') host = argv[i + 1]
      else db = argv[i + 1]
      i++
    } else if (command === undefined && !arg.startsWith('-')) command = arg
  }
  if (!command || !INVENTORY_COMMANDS.has(command)) return null
  try {
    const resolved = resolveHost({ explicit: host, env, platform: process.platform })
    const early = startEarlyReads(resolved, {
      lists: true,
      containerSizes: argv.some((arg) => SIZED.test(arg)),
    })
    if (!early) return null
    await early.pipelined.sent(SEND_WAIT_MS)
    // BuildKit's records take the engine ~80 ms on 2,000 images: asked for now, beside the
    // lists, when the plan surely needs them (its flags) or likely does (the log has seen images
    // BuildKit built: then they may hold those images' layers).
    if (
      command !== 'images' &&
      (argv.some((arg) => RECORDS.test(arg)) ||
        (await logKnowsBuildKit(db ?? defaultDatabasePath(env, process.platform, homedir()))))
    ) {
      await startEarlyBuildCache(early, resolved, SEND_WAIT_MS)
    }
    return early
  } catch {
    return null // an unusable host: the service says why
  }
}

/** Whether the log has seen an image built by BuildKit (read-only; false when unsure). */
async function logKnowsBuildKit(path: string): Promise<boolean> {
  // Its own small chunk: SQLite loads only here, after the first requests have left.
  const { knowsBuildKit } = await import('../core/store/build-kit-hint')
  return knowsBuildKit(path)
}
