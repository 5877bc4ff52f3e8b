/** The in-process transport: the CLI talks to the service through the same dispatcher (and so
 * the same schema checks) as IPC and HTTP, without serialising anything. */
import { createClient } from '../shared/client'
import type { DrydockHandlers, DrydockClient, EventSource } from '../shared/contract'
import { createDispatcher } from './dispatch'

export function createInProcessClient(service: DrydockHandlers & EventSource): DrydockClient {
  const dispatch = createDispatcher(service)
  return createClient({
    call: (method, request) => dispatch(method, request),
    subscribe: (listener) => service.subscribe(listener),
  })
}
