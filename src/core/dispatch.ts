/**
 * The trust boundary every transport goes through: an untrusted (method, payload) pair becomes a
 * schema-checked call on the service, and whatever happens becomes an envelope.
 */
import type { DrydockHandlers } from '../shared/contract'
import { DrydockError, toErrorPayload, type Envelope } from '../shared/errors'
import { assertMethodName, parseRequest, parseResponse } from '../shared/validation'

export type Dispatcher = (method: unknown, payload: unknown) => Promise<Envelope<unknown>>

export interface DispatcherOptions {
  /**
   * Also parse every answer with its response schema: a service that answers outside the
   * contract fails loudly. On in the tests (DRYDOCK_CHECK_RESPONSES=1, set by vitest.config.mts
   * and the e2e server); off in use, where the answer's type is checked at build time.
   */
  checkResponses?: boolean
}

export function createDispatcher(
  service: DrydockHandlers,
  options: DispatcherOptions = { checkResponses: process.env.DRYDOCK_CHECK_RESPONSES === '1' },
): Dispatcher {
  return async (method, payload) => {
    try {
      const name = assertMethodName(method)
      const request = parseRequest(name, payload)
      const call = service[name] as (request: unknown) => Promise<unknown>
      const value = await call.call(service, request)
      if (options.checkResponses) {
        const checked = parseResponse(name, value)
        if (!checked.ok) {
          throw new DrydockError(
            'internal',
            `The answer to ${name} broke the contract: ${checked.summary}`,
          )
        }
      }
      return { ok: true, value }
    } catch (error) {
      return { ok: false, error: toErrorPayload(error) }
    }
  }
}
