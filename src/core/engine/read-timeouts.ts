/**
 * Bounds on the engine's reads. A wedged engine (dockerd stuck on a container's lock answers
 * `/_ping` and `/version`, then never `/containers/json`) must not hold a command or the window
 * forever. Only GETs are bounded: a delete, a container stop or a prune may take as long as it
 * takes, and a stream (`/events`) only until its headers arrive.
 */

/** Lists, inspects, history, info: milliseconds when the engine is well. */
export const READ_TIMEOUT_MS = 30_000
/** `/system/df` walks every volume's and container's files: slow on big ones, still bounded. */
export const DISK_USAGE_TIMEOUT_MS = 120_000

/** The bound of a request, or null when it has none. `path` may carry the API version. */
export function readTimeoutFor(method: string | undefined, path: string): number | null {
  if ((method ?? 'GET').toUpperCase() !== 'GET') return null
  return /^(\/v[\d.]+)?\/system\/df(\?|$)/.test(path) ? DISK_USAGE_TIMEOUT_MS : READ_TIMEOUT_MS
}

/** The error a bounded read fails with: its message is the sentence's cause (errors.ts). */
export function readTimeoutError(path: string, ms: number): Error {
  const shown = path.replace(/^\/v[\d.]+/, '').replace(/\?.*$/, '')
  return new Error(
    `timeout: the engine accepted the connection but did not answer GET ${shown} within ${Math.round(ms / 1000)} s`,
  )
}

interface DialOptions {
  path: string
  method?: string
  abortSignal?: AbortSignal
}
type DialCallback = (error: unknown, data?: unknown) => void
interface Dialer {
  dial(options: DialOptions, callback: DialCallback): unknown
}

/**
 * Bounds every GET this modem sends (dockerode sends everything through `dial`): the request is
 * aborted when its answer (for a stream: its headers) has not come within the bound.
 */
export function boundReads(modem: Dialer): void {
  const dial = modem.dial.bind(modem)
  modem.dial = (options, callback) => {
    const ms = readTimeoutFor(options.method, options.path)
    // A caller's own signal wins: it decides when to give up.
    if (ms === null || options.abortSignal) return dial(options, callback)
    const path = options.path
    const controller = new AbortController()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      controller.abort()
    }, ms)
    timer.unref()
    return dial({ ...options, abortSignal: controller.signal }, (error, data) => {
      clearTimeout(timer)
      callback(timedOut ? readTimeoutError(path, ms) : error, data)
    })
  }
}
