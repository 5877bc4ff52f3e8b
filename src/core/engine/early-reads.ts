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
import { pipelinedGetter, type IdentityHeaders, type PipelinedGetter } from './pipelined-get'

export interface EarlyReads {
  /** The host they went to (ResolvedHost.url). */
  url: string
  /** The getter they were sent with: its connections are reused afterwards. */
  pipelined: PipelinedGetter
  info: Promise<AnsweredInfo>
  /** The identity headers of the first of these answers to name its server: Docker and Podman
   * send them on every answer, and `/info`, which forks `runc` on Docker 20.10, is often the last
   * but one to come. Never settles when none does (a proxy that drops them). */
  identified: Promise<IdentityHeaders>
  /** A GET that is one of these reads (its headers may be the first). */
  read: (path: string) => Promise<unknown>
  /** Absent when only the connection check was started (`status`). */
  lists?: { images: Promise<unknown>; containers: Promise<unknown>; containerSizes: boolean }
  /** BuildKit's records (build-cache-grpc.ts), when the plan will likely need them; the volumes
   * with them (a plan that reads the records lists the volumes too). */
  buildCache?: Promise<BuildCacheAnswer[]>
  volumes?: Promise<unknown>
}

/** `Server: Docker/20.10.24 (linux)`, `Server: Libpod/4.3.1 (linux)`. */
const ENGINE_SERVER = /^(docker|libpod)\/\S/i

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
    early.volumes = early.read('/volumes')
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
  let identify: (headers: IdentityHeaders) => void = () => undefined
  const identified = new Promise<IdentityHeaders>((resolve) => (identify = resolve))
  const noted = <T extends { headers: IdentityHeaders }>(answer: Promise<T>): Promise<T> => {
    answer.then(
      ({ headers }) => {
        // A proxy may sign answers with its own name: only the engines' own names count.
        if (ENGINE_SERVER.test(headers.server ?? '')) identify(headers)
      },
      () => undefined,
    )
    return answer
  }
  const read = (path: string) => {
    const answer = noted(pipelined.getWithHeaders(path)).then(({ body }) => body)
    // Whoever adopts it handles its failure; nobody may, when the command fails earlier.
    answer.catch(() => undefined)
    return answer
  }
  const info = noted(pipelined.getWithHeaders('/info'))
  info.catch(() => undefined)
  return {
    url: host.url,
    pipelined,
    info,
    identified,
    read,
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
