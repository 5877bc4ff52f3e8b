/**
 * The browser-mode transport: calls are `POST /api/call/<method>` with the bearer token, events
 * arrive over server-sent events. The token comes from the page URL once, then lives in
 * sessionStorage so a reload keeps working and the address bar stops showing it.
 */
import { createClient } from '../../../shared/client'
import type { DrydockClient, DrydockEvent, EventListener } from '../../../shared/contract'
import { DrydockError } from '../../../shared/drydock-error'
import { takePreloaded } from './preloaded'

const TOKEN_KEY = 'drydock.token'

export function takeTokenFromLocation(): string | null {
  const url = new URL(window.location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl)
    url.searchParams.delete('token')
    window.history.replaceState(null, '', url.pathname + url.search + url.hash)
    return fromUrl
  }
  return sessionStorage.getItem(TOKEN_KEY)
}

export function createHttpClient(token: string): DrydockClient {
  const listeners = new Set<EventListener>()
  let source: EventSource | null = null

  function ensureEventStream(): void {
    if (source) return
    source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`)
    source.onmessage = (message: MessageEvent<string>) => {
      const event = JSON.parse(message.data) as DrydockEvent
      for (const listener of listeners) listener(event)
    }
  }

  return createClient({
    async call(method, request) {
      // Each preloaded answer serves the first call with no arguments, once: later calls ask.
      const envelope = Object.keys(request ?? {}).length === 0 ? takePreloaded(method) : undefined
      if (envelope !== undefined) return envelope
      let response: Response
      try {
        response = await fetch(`/api/call/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body: JSON.stringify(request),
        })
      } catch {
        throw new DrydockError('internal', 'Drydock’s server is not answering (was it stopped?).')
      }
      return (await response.json()) as unknown
    },
    subscribe(listener) {
      listeners.add(listener)
      ensureEventStream()
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0) {
          source?.close()
          source = null
        }
      }
    },
  })
}
