/** The Electron transport: calls go through the preload's `window.drydock` bridge. */
import type { PreloadBridge } from '../../../shared/bridge'
import { createClient } from '../../../shared/client'
import type { DrydockClient, DrydockEvent } from '../../../shared/contract'

export function createIpcClient(bridge: PreloadBridge): DrydockClient {
  return createClient({
    call: (method, request) => bridge[method](request),
    subscribe: (listener) => bridge.subscribe((event) => listener(event as DrydockEvent)),
  })
}
