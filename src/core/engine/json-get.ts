/**
 * A lean GET-and-parse for the requests Drydock sends by the thousand (inspect and history of
 * each image on a cold plan). dockerode's modem formats a full dump of every request's options
 * even with debugging off, which the benchmark measured at ~40% more client CPU than the requests
 * need; on a 2-core machine that CPU is taken from the engine. Other calls keep using dockerode.
 */
import { request as httpRequest } from 'node:http'
import { request as httpsRequest, type RequestOptions as HttpsRequestOptions } from 'node:https'
import type { ResolvedHost } from './host'
import { READ_TIMEOUT_MS, readTimeoutError } from './read-timeouts'

export type JsonGet = (path: string) => Promise<unknown>

/** An error shaped like docker-modem's, so callers can read `statusCode` either way. */
export class EngineHttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(`(HTTP code ${statusCode}) ${message}`)
  }
}

/** A getter for this host, or null where only dockerode can connect (ssh). */
export function jsonGetter(host: ResolvedHost): JsonGet | null {
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
  return (path) =>
    new Promise((resolve, reject) => {
      const req = send({ ...base, path, method: 'GET' }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('error', reject)
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          const status = res.statusCode ?? 0
          if (status >= 200 && status < 300) {
            try {
              resolve(JSON.parse(text))
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
      // No byte for this long: a wedged engine (read-timeouts.ts).
      req.setTimeout(READ_TIMEOUT_MS, () => req.destroy(readTimeoutError(path, READ_TIMEOUT_MS)))
      req.end()
    })
}
