/**
 * Hash routing without a router: `#/images` -> 'images'. An empty hash is the default page; an
 * unknown one is reported as `null` so the app can say so instead of guessing.
 */
import { useSyncExternalStore } from 'react'
import { DEFAULT_ROUTE, isRouteId, type RouteId } from '../routes'

export interface HashRoute {
  /** The page to show, or null when the hash names no page. */
  route: RouteId | null
  /** The first path segment as written, e.g. 'images' (for "not found" messages). */
  path: string
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange)
  return () => window.removeEventListener('hashchange', onChange)
}

function getHash(): string {
  return window.location.hash
}

export function parseHash(hash: string): HashRoute {
  const path = decodeURIComponent(hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '')
  if (path === '') return { route: DEFAULT_ROUTE, path }
  return { route: isRouteId(path) ? path : null, path }
}

export function useHashRoute(): HashRoute {
  const hash = useSyncExternalStore(subscribe, getHash, () => '')
  return parseHash(hash)
}
