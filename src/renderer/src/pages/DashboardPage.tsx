/**
 * The first page: what Docker keeps on disk, what a cleanup could give back, how usage moved,
 * and one button to clean up safely. Every figure refreshes when a new usage sample arrives.
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react'
import type { ConnectionState } from '../../../shared/contract'
import type { LatestUsage } from '../../../shared/usage'
import { useClient } from '../client-context'
import { ConnectionErrorBanner } from '../components/ConnectionErrorBanner'
import { EngineUnreachable } from '../components/EngineUnreachable'
import { PageHeader } from '../components/PageHeader'
import { SkeletonCard } from '../components/Skeleton'
import { CleanupCallout } from '../dashboard/CleanupCallout'
import { EngineCard } from '../dashboard/EngineCard'
import { FreeSpaceCard } from '../dashboard/FreeSpaceCard'
import { LastCleanupCard } from '../dashboard/LastCleanupCard'
import { TopImagesCard } from '../dashboard/TopImagesCard'
import { loadTrendChart, TrendCard } from '../dashboard/TrendCard'
import { UsageTiles } from '../dashboard/UsageTiles'
import { describeHost } from '../describe'
import { useUsageCount } from '../hooks/useClientEvent'
import { useConnectionView } from '../hooks/useConnection'
import { useLive } from '../hooks/useLive'
import { peekPreloaded } from '../transport/preloaded'

const LOADING = { status: 'loading' } as const

export function DashboardPage(): ReactNode {
  const { display: state, error, retrying, retry } = useConnectionView()
  // Samples of this engine only: followed engines are sampled too, each for its own dashboard.
  const tick = useUsageCount(state?.host ?? null)
  const cached = useLatestUsage(state?.host ?? null, tick)
  // After the first paint (effects run after it): the chart's code loads while the series does.
  useEffect(() => void loadTrendChart().catch(() => undefined), [])

  let body: ReactNode
  if (!state || state.status === 'connecting') {
    body = error && !state ? null : <DashboardSkeleton cached={cached} />
  } else if (state.status === 'connected') {
    body = <Overview key={state.since} connection={state} tick={tick} cached={cached} />
  } else {
    body = (
      <>
        <EngineUnreachable state={state} retrying={retrying} onRetry={retry} />
        <OfflineOverview tick={tick} />
      </>
    )
  }

  return (
    <>
      <PageHeader
        title="Dashboard"
        subtitle={
          !state || state.status === 'connecting'
            ? `Connecting to ${state ? describeHost(state.host) : 'Docker'}…`
            : state.status === 'connected'
              ? `What the Docker engine at ${describeHost(state.host)} keeps on disk.`
              : 'Drydock needs a Docker engine to show what it keeps on disk.'
        }
      />
      <ConnectionErrorBanner />
      {body}
    </>
  )
}

/**
 * The log's last sample of this engine: the figures the page paints at once, before the engine
 * has answered (its disk usage can take seconds on a big machine), and again while it reconnects.
 * Asked again with every new sample (`tick`); a new engine remounts the page (App's engine
 * epoch), and an answer for another engine is not shown.
 */
function useLatestUsage(host: string | null, tick: number): LatestUsage | null {
  const client = useClient()
  // Browser mode's page holds the answer already: painted in the first render.
  const [preloaded] = useState(() => peekPreloaded('getLatestUsage') ?? null)
  const latest = useLive(
    useCallback(() => client.getLatestUsage({}), [client]),
    tick,
  )
  const value = latest.status === 'ready' ? latest.value : preloaded
  return value !== null && (host === null || value.host === host) ? value : null
}

/** The same boxes as the loaded page, so nothing moves when the data arrives. */
function DashboardSkeleton({ cached }: { cached: LatestUsage | null }): ReactNode {
  return (
    <div className="stack" aria-busy="true">
      <p className="visually-hidden">Waiting for the engine to answer.</p>
      <CleanupCallout settings={LOADING} reclaimable={LOADING} />
      <UsageTiles usage={LOADING} reclaimable={LOADING} cached={cached} />
      <div className="card-grid">
        <SkeletonCard lines={5} />
        <SkeletonCard lines={3} />
      </div>
    </div>
  )
}

type Connected = Extract<ConnectionState, { status: 'connected' }>

function Overview({
  connection,
  tick,
  cached,
}: {
  connection: Connected
  tick: number
  cached: LatestUsage | null
}): ReactNode {
  const client = useClient()
  const usage = useLive(
    useCallback(() => client.getDiskUsage(), [client]),
    tick,
  )
  const reclaimable = useLive(
    useCallback(() => client.getReclaimable(), [client]),
    tick,
  )
  const settings = useLive(
    useCallback(() => client.getSettings(), [client]),
    tick,
  )
  const images = useLive(
    useCallback(() => client.listImages(), [client]),
    tick,
  )

  return (
    <div className="stack dashboard" data-testid="dashboard">
      <CleanupCallout settings={settings} reclaimable={reclaimable} />
      <UsageTiles usage={usage} reclaimable={reclaimable} cached={cached} />
      <FreeSpaceCard usage={usage} settings={settings} host={connection.host} cached={cached} />
      <TrendCard
        tick={tick}
        host={connection.host}
        samplingMinutes={
          settings.status === 'ready' ? settings.value.samplingIntervalMinutes : null
        }
      />
      <div className="card-grid">
        <TopImagesCard images={images} />
        <div className="card-stack">
          <LastCleanupCard tick={tick} />
          <EngineCard engine={connection.engine} />
        </div>
      </div>
    </div>
  )
}

/** With no engine, what the log still knows: the usage history and the last cleanup. */
function OfflineOverview({ tick }: { tick: number }): ReactNode {
  const client = useClient()
  const settings = useLive(
    useCallback(() => client.getSettings(), [client]),
    tick,
  )
  return (
    <div className="stack">
      <TrendCard
        tick={tick}
        host={null}
        samplingMinutes={
          settings.status === 'ready' ? settings.value.samplingIntervalMinutes : null
        }
      />
      <LastCleanupCard tick={tick} />
    </div>
  )
}
