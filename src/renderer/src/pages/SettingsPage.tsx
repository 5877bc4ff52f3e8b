/** Settings: the preferences Drydock keeps in its log, and what this Drydock is and talks to. */
import { useCallback, type ReactNode } from 'react'
import type { AppInfo } from '../../../shared/contract'
import type { Settings } from '../../../shared/settings'
import { useClient } from '../client-context'
import { ConnectionErrorBanner } from '../components/ConnectionErrorBanner'
import { ErrorBanner } from '../components/ErrorBanner'
import { Fact, FactsCard } from '../components/Facts'
import { PageHeader } from '../components/PageHeader'
import { SkeletonCard, SkeletonLine } from '../components/Skeleton'
import { describeHost, describeHostSource, describeTransport } from '../describe'
import { useAsync, type AsyncResult } from '../hooks/useAsync'
import { useLive } from '../hooks/useLive'
import { lazyModule, useModule } from '../hooks/useModule'
import { useConnectionView } from '../hooks/useConnection'

/** The form checks its values with the contract's zod schema: loaded with the form, so no other
 * page's first paint waits for zod. */
const settingsForm = lazyModule(() => import('../settings/SettingsForm'))

function SettingsForm({ initial }: { initial: Settings }): ReactNode {
  const code = useModule(settingsForm)
  if (code.status === 'ready') return <code.module.SettingsForm initial={initial} />
  if (code.status === 'loading') return <SkeletonCard lines={8} />
  return <ErrorBanner title="Could not load the form" error={code.error} onRetry={code.retry} />
}

const STATUS_WORDS = {
  connecting: 'Connecting…',
  connected: 'Connected',
  unreachable: 'Not reachable',
} as const

export function SettingsPage({ appInfo }: { appInfo: AsyncResult<AppInfo> }): ReactNode {
  const { state } = useConnectionView()
  const client = useClient()
  // Another engine shown (the switcher saves it as the host): read the settings again, keeping
  // the form on screen meanwhile.
  const host = state?.host ?? null
  const settings = useLive(
    // eslint-disable-next-line react-hooks/exhaustive-deps -- a new host is new settings.
    useCallback(() => client.getSettings(), [client, host]),
  )
  const log = useAsync(useCallback(() => client.getLogStatus(), [client]))

  return (
    <>
      <PageHeader title="Settings" subtitle="How this copy of Drydock is set up." />
      <ConnectionErrorBanner />

      {settings.status === 'loading' ? (
        <div className="stack" aria-busy="true">
          <SkeletonCard lines={3} />
          <SkeletonCard lines={5} />
        </div>
      ) : settings.status === 'error' ? (
        <ErrorBanner
          title="Could not read the settings"
          error={settings.error}
          onRetry={settings.reload}
        />
      ) : (
        <SettingsForm initial={settings.value} />
      )}

      <h2 className="section-title">About this Drydock</h2>

      {appInfo.status === 'error' ? (
        <ErrorBanner
          title="Could not load the application details"
          error={appInfo.error}
          onRetry={appInfo.reload}
        />
      ) : null}

      <div className="card-grid card-grid--settings">
        <FactsCard title="Application">
          <Fact label="Version">
            {appInfo.status === 'ready' ? (
              <span data-testid="app-version">{appInfo.value.version}</span>
            ) : appInfo.status === 'loading' ? (
              <SkeletonLine width="5em" />
            ) : (
              '—'
            )}
          </Fact>
          <Fact label="Running as">
            {appInfo.status === 'ready' ? (
              <span data-testid="app-transport" data-transport={appInfo.value.transport}>
                {describeTransport(appInfo.value.transport)}
              </span>
            ) : appInfo.status === 'loading' ? (
              <SkeletonLine width="12em" />
            ) : (
              '—'
            )}
          </Fact>
        </FactsCard>

        <FactsCard title="Docker engine">
          <Fact label="Host" mono>
            <span data-testid="settings-host">
              {state ? describeHost(state.host) : <SkeletonLine width="14em" />}
            </span>
          </Fact>
          <Fact label="Chosen by">
            {state?.status === 'connected' ? (
              <span data-testid="settings-host-source">
                {describeHostSource(state.engine.hostSource)}
              </span>
            ) : (
              <span className="muted">Known once the engine answers</span>
            )}
          </Fact>
          <Fact label="Status">{state ? STATUS_WORDS[state.status] : 'Connecting…'}</Fact>
        </FactsCard>

        <FactsCard title="Log">
          <Fact label="File" mono>
            <span data-testid="log-path">
              {log.status === 'ready' ? (log.value.path ?? 'none') : <SkeletonLine width="14em" />}
            </span>
          </Fact>
          <Fact label="Status">
            <span data-testid="log-status">
              {log.status === 'ready'
                ? log.value.status === 'ok'
                  ? 'Working'
                  : `Cannot be used: ${log.value.error ?? 'unknown error'}`
                : '—'}
            </span>
          </Fact>
        </FactsCard>
      </div>

      <p className="note">
        Drydock picks its engine in this order: the <code>--host</code> option, the Docker host
        setting above, <code>DOCKER_HOST</code>, the current Docker context, then the default local
        socket.
      </p>
    </>
  )
}
