/** The frame: sidebar, engine switcher and connection bar, low-disk alerts, and the page the
 * hash names. */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react'
import type { DrydockClient } from '../../shared/contract'
import { CleanupRunProvider } from './cleanup/useCleanupRun'
import { ClientProvider } from './client-context'
import { AlertBanner } from './components/AlertBanner'
import { LogNotice } from './components/LogNotice'
import { ConnectionStatus } from './components/ConnectionStatus'
import { PAGE_TITLE_ID } from './components/PageHeader'
import { Sidebar } from './components/Sidebar'
import { EngineSwitcher } from './engines/EngineSwitcher'
import { useAsync } from './hooks/useAsync'
import { ConnectionContext, useConnection } from './hooks/useConnection'
import { useHashRoute } from './hooks/useHashRoute'
import { BuildCachePage } from './pages/BuildCachePage'
import { CleanupPage } from './pages/CleanupPage'
import { ContainersPage } from './pages/ContainersPage'
import { DashboardPage } from './pages/DashboardPage'
import { HistoryPage } from './pages/HistoryPage'
import { ImagesPage } from './pages/ImagesPage'
import { NotFoundPage } from './pages/NotFoundPage'
import { SettingsPage } from './pages/SettingsPage'
import { VolumesPage } from './pages/VolumesPage'
import { ROUTES } from './routes'

export function App({ client }: { client: DrydockClient }): ReactNode {
  const connection = useConnection(client)
  const appInfo = useAsync(useCallback(() => client.getAppInfo(), [client]))
  const { route, path } = useHashRoute()
  const mainRef = useRef<HTMLElement>(null)
  const firstRender = useRef(true)
  const engineEpoch = useEngineEpoch(connection.state?.host ?? null)

  // The shell (a notification click, the tray) asks for a page: the hash is the router.
  useEffect(
    () =>
      client.subscribe((event) => {
        if (event.name === 'navigate') window.location.hash = event.payload.hash
      }),
    [client],
  )

  // On navigation, move focus to the new page's heading so screen readers announce it.
  useEffect(() => {
    const label = ROUTES.find((r) => r.id === route)?.label ?? 'Page not found'
    document.title = `${label} · Drydock`
    if (firstRender.current) {
      firstRender.current = false
      return
    }
    document.getElementById(PAGE_TITLE_ID)?.focus()
    mainRef.current?.scrollTo({ top: 0 })
  }, [route, path])

  // A retry that ends connected removes the Retry button that had focus: put focus somewhere
  // sensible (the page heading) instead of leaving keyboard users at the top of the document.
  const wasRetrying = useRef(false)
  useEffect(() => {
    if (wasRetrying.current && !connection.retrying) {
      const active = document.activeElement
      if (!active || active === document.body) document.getElementById(PAGE_TITLE_ID)?.focus()
    }
    wasRetrying.current = connection.retrying
  }, [connection.retrying, connection.state])

  let page: ReactNode
  switch (route) {
    case 'dashboard':
      page = <DashboardPage />
      break
    case 'images':
      page = <ImagesPage />
      break
    case 'containers':
      page = <ContainersPage />
      break
    case 'volumes':
      page = <VolumesPage />
      break
    case 'build-cache':
      page = <BuildCachePage />
      break
    case 'history':
      page = <HistoryPage />
      break
    case 'settings':
      page = <SettingsPage appInfo={appInfo} />
      break
    case 'cleanup':
      page = <CleanupPage />
      break
    case null:
      page = <NotFoundPage path={path} />
      break
  }

  return (
    <ClientProvider client={client}>
      <ConnectionContext value={connection}>
        <CleanupRunProvider client={client}>
          <div className="app">
            <button
              type="button"
              className="skip-link"
              onClick={() => document.getElementById(PAGE_TITLE_ID)?.focus()}
            >
              Skip to content
            </button>
            <Sidebar
              current={route}
              version={appInfo.status === 'ready' ? appInfo.value.version : null}
            />
            <div className="frame">
              <header className="frame__top">
                <EngineSwitcher />
                <ConnectionStatus view={connection} />
              </header>
              <div className="frame__alerts">
                <AlertBanner />
                <LogNotice />
              </div>
              <main className="frame__main" ref={mainRef}>
                {/* Another engine: every page reads afresh. Settings keeps its unsaved edits (it
                    follows the host itself); Cleanup keeps a plan on screen, bound to the engine
                    it was made on, so running it after a switch is refused, not silently
                    replaced by a plan of the new engine. */}
                <div
                  className="page"
                  key={route === 'cleanup' || route === 'settings' ? route : engineEpoch}
                >
                  {page}
                </div>
              </main>
            </div>
          </div>
        </CleanupRunProvider>
      </ConnectionContext>
    </ClientProvider>
  )
}

/** Counts the engines shown so far: a new one (a switch, another host saved) is a new epoch. */
function useEngineEpoch(host: string | null): number {
  const [engine, setEngine] = useState<{ host: string | null; epoch: number }>({
    host,
    epoch: 0,
  })
  // Derived during render (React's "adjusting state when a prop changes"): no extra paint.
  if (host && host !== engine.host) {
    setEngine({ host, epoch: engine.host === null ? engine.epoch : engine.epoch + 1 })
  }
  return engine.epoch
}
