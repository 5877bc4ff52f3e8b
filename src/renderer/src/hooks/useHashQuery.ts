/**
 * The query part of the hash (`#/history?run=abc` → run=abc): deep links into a page's state.
 * Changing it replaces the history entry's hash, so Back leaves the page rather than undoing
 * each filter.
 */
import { useCallback, useSyncExternalStore } from 'react'

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange)
  return () => window.removeEventListener('hashchange', onChange)
}

const getHash = (): string => window.location.hash

export function queryOfHash(hash: string): URLSearchParams {
  const at = hash.indexOf('?')
  return new URLSearchParams(at < 0 ? '' : hash.slice(at + 1))
}

export function useHashQuery(): [
  URLSearchParams,
  (changes: Record<string, string | null>, mode?: 'push' | 'replace') => void,
] {
  const hash = useSyncExternalStore(subscribe, getHash, () => '')
  const update = useCallback(
    (changes: Record<string, string | null>, mode: 'push' | 'replace' = 'replace') => {
      const current = window.location.hash
      const at = current.indexOf('?')
      const path = at < 0 ? current : current.slice(0, at)
      const params = queryOfHash(current)
      for (const [name, value] of Object.entries(changes)) {
        if (value === null) params.delete(name)
        else params.set(name, value)
      }
      const query = params.toString()
      const next = `${path || '#/'}${query ? `?${query}` : ''}`
      if (next === current) return
      if (mode === 'push') {
        window.location.hash = next
      } else {
        window.history.replaceState(null, '', next)
        // replaceState fires no hashchange: tell the subscribers ourselves.
        window.dispatchEvent(new HashChangeEvent('hashchange'))
      }
    },
    [],
  )
  return [queryOfHash(hash), update]
}
