/** The first page: is the engine there, what is it, and how much does it hold. */
import { useState, type ReactNode } from 'react'
import type { ConnectionState, EngineInfo } from '../../../shared/contract'
import { formatAge, formatBytes } from '../../../shared/format'
import { useClient } from '../client-context'
import { ConnectionErrorBanner } from '../components/ConnectionErrorBanner'
import { ErrorBanner } from '../components/ErrorBanner'
import { EngineUnreachable } from '../components/EngineUnreachable'
import { Fact, FactsCard } from '../components/Facts'
import { RetryIcon } from '../components/Icons'
import { PageHeader } from '../components/PageHeader'
import { SkeletonCard } from '../components/Skeleton'
import { Spinner } from '../components/Spinner'
import { StatRow, StatTile } from '../components/StatTile'
import { describeHost, describeHostSource, describeImageStore, plural } from '../describe'
import { useConnectionView } from '../hooks/useConnection'
import { useNow } from '../hooks/useNow'

export function DashboardPage(): ReactNode {
  const { display: state, error, retrying, retry } = useConnectionView()

  if (!state || state.status === 'connecting') {
    return (
      <>
        <PageHeader
          title="Dashboard"
          subtitle={state ? `Connecting to ${describeHost(state.host)}…` : 'Connecting to Docker…'}
        />
        <ConnectionErrorBanner />
        {error && !state ? null : <DashboardSkeleton />}
      </>
    )
  }

  return (
    <>
      <PageHeader
        title="Dashboard"
        subtitle={
          state.status === 'connected'
            ? `What the Docker engine at ${describeHost(state.host)} keeps on disk.`
            : 'Drydock needs a Docker engine to show what it keeps on disk.'
        }
      />
      <ConnectionErrorBanner />
      {state.status === 'connected' ? (
        <EngineOverview key={state.since} connection={state} />
      ) : (
        <EngineUnreachable state={state} retrying={retrying} onRetry={retry} />
      )}
    </>
  )
}

function DashboardSkeleton(): ReactNode {
  return (
    <div className="stack" aria-busy="true">
      <p className="visually-hidden">Waiting for the engine to answer.</p>
      <div className="stats stats--skeleton" aria-hidden="true">
        {[0, 1, 2, 3].map((i) => (
          <div className="stat" key={i}>
            <span className="skeleton" style={{ width: '50%' }} />
            <span className="skeleton skeleton--tall" style={{ width: '35%' }} />
          </div>
        ))}
      </div>
      <div className="card-grid">
        <SkeletonCard lines={5} />
        <SkeletonCard lines={3} />
      </div>
    </div>
  )
}

type Connected = Extract<ConnectionState, { status: 'connected' }>

function EngineOverview({ connection }: { connection: Connected }): ReactNode {
  const client = useClient()
  const now = useNow()
  const [refreshed, setRefreshed] = useState<EngineInfo | null>(null)
  const [refreshing, setRefreshing] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const engine = refreshed ?? connection.engine

  function refresh(): void {
    if (refreshing) return
    setRefreshing(true)
    setError(null)
    client.getEngineInfo().then(
      (info) => {
        setRefreshed(info)
        setRefreshing(false)
      },
      (failure: unknown) => {
        setError(failure)
        setRefreshing(false)
      },
    )
  }

  const notRunning = Math.max(0, engine.containers - engine.containersRunning)

  return (
    <>
      {error ? (
        <ErrorBanner
          title="Could not refresh the engine facts"
          error={error}
          onRetry={refresh}
          busy={refreshing}
          onDismiss={() => setError(null)}
        />
      ) : null}

      <StatRow label="Engine totals">
        <StatTile label="Images" value={engine.images.toLocaleString()} testId="engine-images" />
        <StatTile
          label="Containers"
          value={engine.containers.toLocaleString()}
          note={`${engine.containersRunning.toLocaleString()} running · ${notRunning.toLocaleString()} not running`}
          testId="engine-containers"
        />
        <StatTile label="CPUs" value={engine.cpus.toLocaleString()} />
        <StatTile label="Memory" value={formatBytes(engine.memoryBytes)} />
      </StatRow>

      <div className="card-grid">
        <FactsCard
          className="engine-card"
          title={
            <>
              <span className="card__eyebrow">Docker Engine</span>
              <span className="engine-version" data-testid="engine-version">
                {engine.version}
              </span>
            </>
          }
          actions={
            <button
              type="button"
              className="button button--ghost button--small"
              aria-disabled={refreshing || undefined}
              onClick={refresh}
            >
              {refreshing ? <Spinner size={13} /> : <RetryIcon size={14} />}
              {refreshing ? 'Refreshing…' : 'Refresh'}
            </button>
          }
        >
          <Fact label="API version">{engine.apiVersion}</Fact>
          <Fact label="Operating system">{engine.os}</Fact>
          <Fact label="Platform">
            {engine.osType}/{engine.arch}
          </Fact>
          <Fact label="Kernel" mono>
            {engine.kernelVersion}
          </Fact>
          <Fact label="CPUs / memory">
            {plural(engine.cpus, 'CPU')} · {formatBytes(engine.memoryBytes)}
          </Fact>
          {engine.name ? <Fact label="Engine name">{engine.name}</Fact> : null}
        </FactsCard>

        <div className="card-stack">
          <FactsCard title="Storage">
            <Fact label="Storage driver" mono>
              {engine.storageDriver}
            </Fact>
            <Fact label="Image store">{describeImageStore(engine.imageStore)}</Fact>
            <Fact label="Data root" mono>
              {engine.dataRoot || '—'}
            </Fact>
          </FactsCard>
          <FactsCard title="Connection">
            <Fact label="Host" mono>
              <span data-testid="engine-host">{describeHost(engine.host)}</span>
            </Fact>
            <Fact label="Chosen by">{describeHostSource(engine.hostSource)}</Fact>
            <Fact label="Connected">
              <time dateTime={connection.since} title={new Date(connection.since).toLocaleString()}>
                {formatAge(new Date(connection.since), now)}
              </time>
            </Fact>
          </FactsCard>
        </div>
      </div>
    </>
  )
}
