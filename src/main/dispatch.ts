/**
 * The trust boundary every transport goes through: an untrusted (method, payload) pair becomes a
 * schema-checked call on the service, and whatever happens becomes an envelope.
 */
import type { DrydockHandlers } from '../shared/contract'
import { toErrorPayload, type Envelope } from '../shared/errors'
import { assertMethodName, parseRequest } from '../shared/validation'

export type Dispatcher = (method: unknown, payload: unknown) => Promise<Envelope<unknown>>

export function createDispatcher(service: DrydockHandlers): Dispatcher {
  return async (method, payload) => {
    try {
      const name = assertMethodName(method)
      const request = parseRequest(name, payload)
      const call = service[name] as (request: unknown) => Promise<unknown>
      const value = await call.call(service, request)
      return { ok: true, value }
    } catch (error) {
      return { ok: false, error: toErrorPayload(error) }
    }
  }
}
