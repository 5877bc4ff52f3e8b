/**
 * The Electron IPC transport: one `ipcMain.handle` per contract method. Each call is checked for
 * its sender frame, then parsed and dispatched like any other transport; the answer is always an
 * envelope, so the renderer can rebuild a typed error instead of reading Electron's wrapped one.
 */
import { channelFor, EVENT_CHANNEL, METHOD_NAMES } from '../../shared/channels'
import type { DrydockHandlers, DrydockEvent, EventSource } from '../../shared/contract'
import type { Envelope } from '../../shared/errors'
import { createDispatcher } from '../../core/dispatch'
import type { FrameLike } from './sender'

/** The part of `ipcMain` this module uses; tests pass a stand-in. Electron's IpcMainInvokeEvent
 * fits `{ senderFrame }` because WebFrameMain has `url` and `parent`. */
export interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: { senderFrame: FrameLike | null }, ...args: unknown[]) => Promise<unknown>,
  ): void
  removeHandler(channel: string): void
}

export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  service: DrydockHandlers,
  isTrusted: (frame: FrameLike | null) => boolean,
): () => void {
  const dispatch = createDispatcher(service)
  for (const method of METHOD_NAMES) {
    ipcMain.handle(channelFor(method), async (event, payload): Promise<Envelope<unknown>> => {
      if (!isTrusted(event.senderFrame)) {
        return {
          ok: false,
          error: {
            code: 'untrusted-sender',
            message: `${method} was called from an untrusted frame.`,
          },
        }
      }
      return dispatch(method, payload)
    })
  }
  return () => {
    for (const method of METHOD_NAMES) ipcMain.removeHandler(channelFor(method))
  }
}

/** The part of `WebContents` events are sent through. */
export interface EventTarget {
  isDestroyed(): boolean
  send(channel: string, event: DrydockEvent): void
}

/** Forwards every service event to a window until it closes. */
export function forwardEvents(source: EventSource, target: EventTarget): () => void {
  const unsubscribe = source.subscribe((event) => {
    if (target.isDestroyed()) unsubscribe()
    else target.send(EVENT_CHANNEL, event)
  })
  return unsubscribe
}
