/**
 * Builds the one client type the UI uses from any transport. A transport only moves envelopes;
 * this turns them back into values or typed `DrydockError`s.
 */
import { METHOD_NAMES, type MethodName } from './channels'
import type { DrydockApi, DrydockClient, EventListener } from './contract'
import { DrydockError, isEnvelope } from './drydock-error'

export interface ClientTransport {
  /** Sends one call and resolves with the envelope the other side returned. */
  call(method: MethodName, request: unknown): Promise<unknown>
  subscribe(listener: EventListener): () => void
}

export function unwrapEnvelope(method: MethodName, envelope: unknown): unknown {
  if (!isEnvelope(envelope)) {
    throw new DrydockError('internal', `The answer to ${method} was not a Drydock envelope.`)
  }
  if (envelope.ok) return envelope.value
  throw DrydockError.fromPayload(envelope.error)
}

export function createClient(transport: ClientTransport): DrydockClient {
  const api: Record<string, (request?: unknown) => Promise<unknown>> = {}
  for (const method of METHOD_NAMES) {
    api[method] = async (request?: unknown) =>
      unwrapEnvelope(method, await transport.call(method, request ?? {}))
  }
  // One cast at the boundary: the loop above builds exactly the keys of DrydockApi.
  return {
    ...(api as unknown as DrydockApi),
    subscribe: (listener) => transport.subscribe(listener),
  }
}
