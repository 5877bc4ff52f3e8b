/** Picks the transport: the Electron preload bridge when present, browser mode otherwise. */
import type { PreloadBridge } from '../../../shared/bridge'
import type { DrydockClient } from '../../../shared/contract'
import { createHttpClient, takeTokenFromLocation } from './http'
import { createIpcClient } from './ipc'

declare global {
  interface Window {
    drydock?: PreloadBridge
  }
}

export type ClientResult = { ok: true; client: DrydockClient } | { ok: false; reason: string }

export function connectClient(): ClientResult {
  if (window.drydock) return { ok: true, client: createIpcClient(window.drydock) }
  const token = takeTokenFromLocation()
  if (!token) {
    return {
      ok: false,
      reason: 'This page needs the link printed by `drydock serve`, which carries an access token.',
    }
  }
  return { ok: true, client: createHttpClient(token) }
}
