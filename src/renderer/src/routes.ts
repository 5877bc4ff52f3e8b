/** The pages of the app, in sidebar order. Adding a page: add it here and in App's switch.
 * `cleanup` is the preview-and-run page: opened from the Dashboard, a page's selection, a
 * notification or the tray (`#/cleanup?policy=default`), not from the sidebar. */
export const ROUTES = [
  { id: 'dashboard', label: 'Dashboard', inSidebar: true },
  { id: 'images', label: 'Images', inSidebar: true },
  { id: 'containers', label: 'Containers', inSidebar: true },
  { id: 'volumes', label: 'Volumes', inSidebar: true },
  { id: 'build-cache', label: 'Build cache', inSidebar: true },
  { id: 'history', label: 'History', inSidebar: true },
  { id: 'settings', label: 'Settings', inSidebar: true },
  { id: 'cleanup', label: 'Cleanup', inSidebar: false },
] as const

export type RouteId = (typeof ROUTES)[number]['id']

export const DEFAULT_ROUTE: RouteId = 'dashboard'

export function isRouteId(value: string): value is RouteId {
  return ROUTES.some((route) => route.id === value)
}

export function hrefFor(route: RouteId): string {
  return `#/${route}`
}
