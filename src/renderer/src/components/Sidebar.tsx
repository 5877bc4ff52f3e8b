/** The left navigation: the mark, one real link per page, and the app version. */
import type { ReactNode } from 'react'
import { hrefFor, ROUTES, type RouteId } from '../routes'
import {
  BuildCacheIcon,
  ContainersIcon,
  DashboardIcon,
  HistoryIcon,
  ImagesIcon,
  SettingsIcon,
  VolumesIcon,
} from './Icons'
import { LogoMark } from './LogoMark'

const ICONS: Partial<Record<RouteId, (props: { size?: number }) => ReactNode>> = {
  dashboard: DashboardIcon,
  images: ImagesIcon,
  containers: ContainersIcon,
  volumes: VolumesIcon,
  'build-cache': BuildCacheIcon,
  history: HistoryIcon,
  settings: SettingsIcon,
}

export function Sidebar({
  current,
  version,
}: {
  current: RouteId | null
  version: string | null
}): ReactNode {
  return (
    <aside className="sidebar" aria-label="Drydock">
      <a className="brand" href={hrefFor('dashboard')} aria-label="Drydock, go to the dashboard">
        <LogoMark />
        <span className="brand__name">Drydock</span>
      </a>
      <nav className="nav" aria-label="Main">
        <ul>
          {ROUTES.filter((route) => route.inSidebar).map((route) => {
            const Icon = ICONS[route.id]
            const active = route.id === current
            return (
              <li key={route.id}>
                <a
                  className="nav__link"
                  href={hrefFor(route.id)}
                  aria-current={active ? 'page' : undefined}
                  title={route.label}
                  data-testid={`nav-${route.id}`}
                >
                  {Icon ? <Icon size={18} /> : null}
                  <span>{route.label}</span>
                </a>
              </li>
            )
          })}
        </ul>
      </nav>
      <p className="sidebar__footer">{version ? `Drydock ${version}` : '\u00a0'}</p>
    </aside>
  )
}
