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

/**
 * Resolves once the page has painted its first frame; calls and the event stream wait for it.
 * Before, the page's first calls (a fetch costs its main thread milliseconds) and their work on
 * the server and the engine shared two CPUs with the first paint: serving → first paint with
 * the preloaded figures took a third longer (scripts/bench/first-paint.mjs). The figures of the
 * first paint are preloaded, so nothing waits for these answers then. A hidden page paints no
 * frame: it does not wait, and a page hidden meanwhile waits 200 ms at most.
 */
let painted: Promise<void> | undefined
function afterFirstPaint(): Promise<void> {
  painted ??= new Promise((resolve) => {
    if (document.visibilityState === 'hidden') return resolve()
    requestAnimationFrame(() => setTimeout(resolve, 0))
    setTimeout(resolve, 200)
  })
  return painted
}

export function createHttpClient(token: string): DrydockClient {
  const listeners = new Set<EventListener>()
  let source: EventSource | null = null

  let opening = false
  function ensureEventStream(): void {
    if (source || opening) return
    opening = true
    void afterFirstPaint().then(() => {
      opening = false
      if (source || listeners.size === 0) return
      source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`)
      source.onmessage = (message: MessageEvent<string>) => {
        const event = JSON.parse(message.data) as DrydockEvent
        for (const listener of listeners) listener(event)
      }
    })
  }

  return createClient({
    async call(method, request) {
      // Each preloaded answer serves the first call with no arguments, once: later calls ask.
      const envelope = Object.keys(request ?? {}).length === 0 ? takePreloaded(method) : undefined
      if (envelope !== undefined) return envelope
      await afterFirstPaint()
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
