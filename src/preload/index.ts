/**
 * The renderer's only door to the main process: one function per contract method plus an event
 * subscription, exposed as `window.drydock`. No ipcRenderer, no Node, nothing else.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { channelFor, EVENT_CHANNEL, METHOD_NAMES } from '../shared/channels'
import type { PreloadBridge } from '../shared/bridge'

const bridge: Record<string, unknown> = {}
for (const method of METHOD_NAMES) {
  bridge[method] = (request: unknown) => ipcRenderer.invoke(channelFor(method), request)
}
bridge.subscribe = (listener: (event: unknown) => void) => {
  const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload)
  ipcRenderer.on(EVENT_CHANNEL, forward)
  return () => {
    ipcRenderer.removeListener(EVENT_CHANNEL, forward)
  }
}

contextBridge.exposeInMainWorld('drydock', bridge as unknown as PreloadBridge)
