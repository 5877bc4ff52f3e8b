/**
 * The engine connection as the UI sees it: live from `connection` events, seeded by
 * getConnection(). Subscribes first, then asks, so no change between the two is missed; of two
 * states the one with the later `since` wins, whichever arrived last.
 */
import { createContext, use, useCallback, useEffect, useState } from 'react'
import type { ConnectionState, DrydockClient } from '../../../shared/contract'

export interface ConnectionView {
  /** Null until the first answer (getConnection waits for the first connection attempt). */
  state: ConnectionState | null
  /**
   * What pages should show. While a retry the user asked for runs, the last settled state stays
   * on screen (its Retry button shows the progress) rather than flashing a loading skeleton and
   * throwing away keyboard focus.
   */
  display: ConnectionState | null
  /** The last failed getConnection()/reconnect() call, cleared by the next attempt. */
  error: unknown
  /** True while a reconnect() asked for by the user is in flight. */
  retrying: boolean
  retry: () => void
  dismissError: () => void
  /** Shows another engine from now on (switchEngine); resolves with its connection state. */
  switchEngine: (host: string) => Promise<ConnectionState>
}

function isNewer(next: ConnectionState, current: ConnectionState | null): boolean {
  if (!current) return true
  return Date.parse(next.since) >= Date.parse(current.since)
}

export function useConnection(client: DrydockClient): ConnectionView {
  const [state, setState] = useState<ConnectionState | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [retrying, setRetrying] = useState(false)
  const [settled, setSettled] = useState<ConnectionState | null>(null)

  const apply = useCallback((next: ConnectionState) => {
    setState((current) => (isNewer(next, current) ? next : current))
    if (next.status !== 'connecting') {
      setSettled((current) => (isNewer(next, current) ? next : current))
    }
  }, [])

  useEffect(() => {
    let active = true
    const unsubscribe = client.subscribe((event) => {
      if (event.name === 'connection') apply(event.payload)
    })
    client.getConnection().then(
      (next) => {
        if (active) apply(next)
      },
      (failure: unknown) => {
        if (active) setError(failure)
      },
    )
    return () => {
      active = false
      unsubscribe()
    }
  }, [client, apply])

  const retry = useCallback(() => {
    setRetrying(true)
    setError(null)
    client.reconnect().then(
      (next) => {
        apply(next)
        setRetrying(false)
      },
      (failure: unknown) => {
        setError(failure)
        setRetrying(false)
      },
    )
  }, [client, apply])

  const switchEngine = useCallback(
    async (host: string) => {
      setError(null)
      const next = await client.switchEngine({ host })
      apply(next)
      return next
    },
    [client, apply],
  )

  const display = retrying && state?.status === 'connecting' && settled ? settled : state
  const dismissError = useCallback(() => setError(null), [])
  return { state, display, error, retrying, retry, dismissError, switchEngine }
}

export const ConnectionContext = createContext<ConnectionView | null>(null)

/** The app-wide connection view provided by <App>. */
export function useConnectionView(): ConnectionView {
  const view = use(ConnectionContext)
  if (!view) throw new Error('useConnectionView() needs a ConnectionContext provider above it.')
  return view
}
