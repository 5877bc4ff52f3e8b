/**
 * The engine requests every inventory read begins with — `/version`, `/info`, the image and the
 * container lists — sent before the rest of the program is even loaded. The CLI starts them from
 * its small entry module (src/cli/index.ts); loading the bulk of the CLI, opening the log and
 * reading its cache then happen while the engine works on its answers, instead of before it
 * starts. The connection check and the first inventory read adopt them (connection-manager.ts)
 * when they went to the host those resolve, and ignore them otherwise.
 */
import type { ResolvedHost } from './host'
import { jsonGetter, type JsonGet } from './json-get'
import { pipelinedGetter, type PipelinedGetter } from './pipelined-get'

export interface EarlyReads {
  /** The host they went to (ResolvedHost.url). */
  url: string
  /** The getter they were sent with: its connections are reused afterwards. */
  pipelined: PipelinedGetter | null
  version: Promise<unknown>
  info: Promise<unknown>
  /** Absent when only the connection check was started (`status`). */
  lists?: { images: Promise<unknown>; containers: Promise<unknown>; containerSizes: boolean }
}

/** Starts the reads, or returns null where only dockerode can connect (ssh). */
export function startEarlyReads(
  host: ResolvedHost,
  options: { lists: boolean; containerSizes: boolean },
): EarlyReads | null {
  const pipelined = pipelinedGetter(host)
  const get: JsonGet | null = pipelined?.get ?? jsonGetter(host)
  if (!get) return null
  const read = (path: string) => {
    const answer = get(path)
    // Whoever adopts it handles its failure; nobody may, when the command fails earlier.
    answer.catch(() => undefined)
    return answer
  }
  return {
    url: host.url,
    pipelined,
    version: read('/version'),
    info: read('/info'),
    ...(options.lists
      ? {
          lists: {
            images: read('/images/json?all=1'),
            containers: read(
              `/containers/json?all=1${options.containerSizes ? '&size=1' : ''}`,
            ),
            containerSizes: options.containerSizes,
          },
        }
      : {}),
  }
}
