/**
 * A lean GET-and-parse for the requests Drydock sends by the thousand (inspect and history of
 * each image on a cold plan). dockerode's modem formats a full dump of every request's options
 * even with debugging off, which the benchmark measured at ~40% more client CPU than the requests
 * need; on a 2-core machine that CPU is taken from the engine. Other calls keep using dockerode.
 */
import { request as httpRequest } from 'node:http'
import { request as httpsRequest, type RequestOptions as HttpsRequestOptions } from 'node:https'
import type { ResolvedHost } from './host'
import { EngineHttpError } from './http-error'
import { READ_TIMEOUT_MS, readTimeoutError } from './read-timeouts'

export type JsonGet = (path: string) => Promise<unknown>
export { EngineHttpError }

/** A JSON request of any method; only GETs are bounded in time (read-timeouts.ts). */
export type JsonRequest = (method: 'GET' | 'DELETE', path: string) => Promise<unknown>

/** A getter for this host, or null where only dockerode can connect (ssh). */
export function jsonGetter(host: ResolvedHost): JsonGet | null {
  const request = jsonRequester(host)
  return request && ((path) => request('GET', path))
}

/**
 * Requests for this host without dockerode's per-request cost (its modem formats a dump of each
 * request's options even with debugging off): the executor's re-reads and deletes, one per image.
 * Null where only dockerode can connect (ssh).
 */
export function jsonRequester(host: ResolvedHost): JsonRequest | null {
  const modem = host.modem
  if (modem.protocol === 'ssh') return null
  const tls = modem.protocol === 'https'
  const base: HttpsRequestOptions = modem.socketPath
    ? { socketPath: modem.socketPath as string }
    : {
        host: modem.host,
        port: modem.port,
        ...(tls
          ? ({
              ca: modem.ca,
              cert: modem.cert,
              key: modem.key,
              // Same trust decision as the modem's (host.ts: DOCKER_TLS_VERIFY / SkipTLSVerify).
              checkServerIdentity: (modem as HttpsRequestOptions).checkServerIdentity,
            } as HttpsRequestOptions)
          : {}),
      }
  const send = tls ? httpsRequest : httpRequest
  return (method, path) =>
    new Promise((resolve, reject) => {
      const read = method === 'GET'
      // `timeout`: no byte for this long means a wedged engine (read-timeouts.ts). A delete may
      // take as long as it takes.
      const options = read
        ? { ...base, path, method, timeout: READ_TIMEOUT_MS }
        : { ...base, path, method }
      const req = send(options, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('error', reject)
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          const status = res.statusCode ?? 0
          if (status >= 200 && status < 300) {
            try {
              resolve(text.length > 0 ? JSON.parse(text) : null)
            } catch (error) {
              reject(error instanceof Error ? error : new Error(String(error)))
            }
            return
          }
          let message = text
          try {
            message = (JSON.parse(text) as { message?: string }).message ?? text
          } catch {
            // not JSON: keep the text
          }
          reject(new EngineHttpError(status, message.trim()))
        })
      })
      req.on('error', reject)
      if (read) req.on('timeout', () => req.destroy(readTimeoutError(path, READ_TIMEOUT_MS)))
      req.end()
    })
}
