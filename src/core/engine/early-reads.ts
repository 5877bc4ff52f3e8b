/**
 * The engine requests every inventory read begins with — `/info` (which, with its answer's
 * headers, also names the engine: engine-kind.ts), the image and the container lists — sent
 * before the rest of the program is even loaded. The CLI starts them from its small entry module
 * (src/cli/index.ts); loading the bulk of the CLI, opening the log and reading its cache then
 * happen while the engine works on its answers, instead of before it starts. The connection check
 * and the first inventory read adopt them (connection-manager.ts) when they went to the host
 * those resolve, and ignore them otherwise.
 */
import type { BuildCacheChannel } from './build-cache-grpc'
import type { BuildCacheAnswer } from './disk-usage'
import type { AnsweredInfo } from './engine-kind'
import type { ResolvedHost } from './host'
import { pipelinedGetter, type PipelinedGetter } from './pipelined-get'

export interface EarlyReads {
  /** The host they went to (ResolvedHost.url). */
  url: string
  /** The getter they were sent with: its connections are reused afterwards. */
  pipelined: PipelinedGetter
  info: Promise<AnsweredInfo>
  /** Absent when only the connection check was started (`status`). */
  lists?: { images: Promise<unknown>; containers: Promise<unknown>; containerSizes: boolean }
  /** BuildKit's records (build-cache-grpc.ts), when the plan will likely need them; the volumes
   * with them (a plan that reads the records lists the volumes too). */
  buildCache?: Promise<BuildCacheAnswer[]>
  volumes?: Promise<unknown>
}

/** Asks for BuildKit's records over `channel` (opened beside the first requests: see
 * BuildCacheChannel), and the volumes (see EarlyReads.buildCache); resolves once the request has
 * left, or after `ms`. */
export async function startEarlyBuildCache(
  early: EarlyReads,
  channel: BuildCacheChannel,
  ms: number,
): Promise<void> {
  if (early.buildCache) return channel.close()
  let timer: NodeJS.Timeout | undefined
  await new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms)
    early.volumes = early.pipelined.get('/volumes')
    early.volumes.catch(() => undefined)
    early.buildCache = channel.read(resolve)
    early.buildCache.catch(() => undefined)
  })
  clearTimeout(timer)
}

/** Starts the reads, or returns null where the pipelined getter cannot go (https, ssh: those
 * wait for the service, which loads the clients for them). */
export function startEarlyReads(
  host: ResolvedHost,
  options: { lists: boolean; containerSizes: boolean },
): EarlyReads | null {
  const pipelined = pipelinedGetter(host)
  if (!pipelined) return null
  const read = (path: string) => {
    const answer = pipelined.get(path)
    // Whoever adopts it handles its failure; nobody may, when the command fails earlier.
    answer.catch(() => undefined)
    return answer
  }
  const info = pipelined.getWithHeaders('/info')
  info.catch(() => undefined)
  return {
    url: host.url,
    pipelined,
    info,
    ...(options.lists
      ? {
          lists: {
            images: read('/images/json?all=1'),
            containers: read(`/containers/json?all=1${options.containerSizes ? '&size=1' : ''}`),
            containerSizes: options.containerSizes,
          },
        }
      : {}),
  }
}
