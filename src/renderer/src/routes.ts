/** The pages of the app, in sidebar order. Adding a page: add it here and in App's switch. */
export const ROUTES = [
  { id: 'dashboard', label: 'Dashboard' },
  { id: 'images', label: 'Images' },
  { id: 'history', label: 'History' },
  { id: 'settings', label: 'Settings' },
] as const

export type RouteId = (typeof ROUTES)[number]['id']

export const DEFAULT_ROUTE: RouteId = 'dashboard'

export function isRouteId(value: string): value is RouteId {
  return ROUTES.some((route) => route.id === value)
}

export function hrefFor(route: RouteId): string {
  return `#/${route}`
}
