/**
 * History: past cleanups from the local log, newest first, filtered and paged, with each run's
 * detail (`#/history?run=<id>`), a chart of what came back, and exports. It needs no engine, so it
 * never waits for one.
 */
import { useCallback, useMemo, useState, type ReactNode } from 'react'
import { useClient } from '../client-context'
import { ConnectionErrorBanner } from '../components/ConnectionErrorBanner'
import { EmptyState } from '../components/EmptyState'
import { ErrorBanner } from '../components/ErrorBanner'
import { HistoryIcon, PlugOffIcon } from '../components/Icons'
import { PageHeader } from '../components/PageHeader'
import { SkeletonCard } from '../components/Skeleton'
import { Spinner } from '../components/Spinner'
import { download, exportFile, runDetails, type ExportFormat } from '../history/export'
import {
  filtersFromQuery,
  hasFilters,
  rangeError,
  runQuery,
  type RunFilters,
  type RunQuery,
} from '../history/filters'
import { RunDetailDialog } from '../history/RunDetailDialog'
import { RunFiltersBar, type EngineOption } from '../history/RunFiltersBar'
import { RunTable } from '../history/RunTable'
import { useRunPages } from '../history/useRunPages'
import { useEventCount } from '../hooks/useClientEvent'
import { useConnectionView } from '../hooks/useConnection'
import { useHashQuery } from '../hooks/useHashQuery'
import { lazyModule, useModule } from '../hooks/useModule'
import { useLive } from '../hooks/useLive'
import { engineName, hostAddress } from '../engines/engine-words'
import type { EngineEntry } from '../../../shared/engines'
import type { RunSummary } from '../../../shared/history'
import { errorMessage } from '../../../shared/drydock-error'

/** recharts loads with the chart, not with the page's first paint (the dashboard's neither). */
const reclaimedChart = lazyModule(() => import('../history/ReclaimedChart'))

function ReclaimedChart(props: { query: RunQuery; tick: number }): ReactNode {
  const code = useModule(reclaimedChart)
  if (code.status === 'ready') return <code.module.ReclaimedChart {...props} />
  if (code.status === 'loading') return <SkeletonCard lines={6} />
  return <ErrorBanner title="Could not load the chart" error={code.error} onRetry={code.retry} />
}

export function HistoryPage(): ReactNode {
  const client = useClient()
  const { state } = useConnectionView()
  const [query, setQuery] = useHashQuery()
  // A new usage sample is taken after every cleanup: the moment to look at the log again.
  const tick = useEventCount('usage')
  const filters = filtersFromQuery(query)
  const listQuery = rangeError(filters)
    ? runQuery({ ...filters, from: null, to: null })
    : runQuery(filters)
  const pages = useRunPages(client, listQuery, tick)
  const openRun = query.get('run')
  const engineReady = state?.status === 'connected'

  const engines = useLive(useCallback(() => client.listEngines(), [client]))
  const known = engines.status === 'ready' ? engines.value : null
  const shown = pages.status === 'ready' ? pages.runs : null
  const engineOptions = useMemo(
    () => engineOptionsOf(known, shown, filters.engine),
    [known, shown, filters.engine],
  )
  // An engine column once runs of more than one engine are listed.
  const severalEngines = new Set(shown?.map((run) => run.engineHost)).size > 1
  const engineLabel = (host: string): string =>
    engineName(known?.find((entry) => entry.host === host) ?? { host, name: '' })

  function setFilters(next: RunFilters): void {
    setQuery({
      trigger: next.trigger,
      status: next.status,
      engine: next.engine,
      from: next.from,
      to: next.to,
    })
  }

  function runHref(id: string): string {
    const params = new URLSearchParams(query)
    params.set('run', id)
    return `#/history?${params.toString()}`
  }

  return (
    <>
      <PageHeader
        title="History"
        subtitle="Past cleanups, newest first, from Drydock’s log."
        actions={<ExportButtons query={listQuery} />}
      />
      <ConnectionErrorBanner />
      {state?.status === 'unreachable' ? (
        <div className="banner banner--info" role="status" data-testid="history-engine-down">
          <PlugOffIcon className="banner__icon" size={20} />
          <div className="banner__body">
            <p className="banner__title">The Docker engine is unreachable</p>
            <p className="banner__message">
              History reads Drydock’s own log, so it is all here; pulling an image again needs the
              engine.
            </p>
          </div>
        </div>
      ) : null}

      <RunFiltersBar filters={filters} engines={engineOptions} onChange={setFilters} />
      <ReclaimedChart query={listQuery} tick={tick} />

      {pages.status === 'loading' ? (
        <SkeletonCard lines={6} />
      ) : pages.status === 'error' ? (
        <ErrorBanner
          title="Could not read the cleanup log"
          error={pages.error}
          onRetry={pages.reload}
        />
      ) : pages.runs.length === 0 ? (
        hasFilters(filters) ? (
          <EmptyState
            icon={<HistoryIcon size={28} />}
            title="No runs match these filters"
            testId="history-no-match"
          >
            <p>Widen the dates or clear a filter to see more.</p>
          </EmptyState>
        ) : (
          <EmptyState
            icon={<HistoryIcon size={28} />}
            title="No cleanups yet"
            testId="history-empty"
          >
            <p>
              Every cleanup Drydock runs is recorded here, even when Docker is not running: what the
              plan predicted, what happened to each image, and how many bytes really came back.
            </p>
          </EmptyState>
        )
      ) : (
        <>
          <RunTable
            runs={pages.runs}
            hrefFor={runHref}
            engineLabel={severalEngines ? engineLabel : null}
          />
          {pages.moreError ? (
            <ErrorBanner
              title="Could not load more runs"
              error={pages.moreError}
              onRetry={pages.loadMore}
            />
          ) : null}
          {pages.done ? (
            <p className="muted list-end">
              That is every run{hasFilters(filters) ? ' matching the filters' : ''}.
            </p>
          ) : (
            <button
              type="button"
              className="button load-more"
              aria-disabled={pages.loadingMore || undefined}
              onClick={pages.loadMore}
            >
              {pages.loadingMore ? <Spinner size={13} /> : null}
              {pages.loadingMore ? 'Loading…' : 'Load more'}
            </button>
          )}
        </>
      )}

      {openRun ? (
        <RunDetailDialog
          key={openRun}
          runId={openRun}
          engineReady={engineReady}
          onClose={() => setQuery({ run: null })}
        />
      ) : null}
    </>
  )
}

function ExportButtons({ query }: { query: ReturnType<typeof runQuery> }): ReactNode {
  const client = useClient()
  const [busy, setBusy] = useState<ExportFormat | null>(null)
  const [error, setError] = useState<unknown>(null)

  function exportAs(format: ExportFormat): void {
    if (busy) return
    setBusy(format)
    setError(null)
    runDetails(client, query).then(
      (runs) => {
        download(exportFile(runs, format))
        setBusy(null)
      },
      (failure: unknown) => {
        setError(failure)
        setBusy(null)
      },
    )
  }

  return (
    <div className="export">
      {(['csv', 'json'] as const).map((format) => (
        <button
          key={format}
          type="button"
          className="button button--small"
          aria-disabled={busy !== null || undefined}
          onClick={() => exportAs(format)}
        >
          {busy === format ? <Spinner size={13} /> : null}
          Export {format.toUpperCase()}
        </button>
      ))}
      {error ? (
        <p className="field__error export__error" role="alert">
          Export failed: {errorMessage(error)}
        </p>
      ) : null}
    </div>
  )
}

/** The engines History can filter on: those Drydock knows, those the runs name, and the one the
 * address asks for, by name ("(shown now)" marks the engine the window shows); two engines of
 * the same name are told apart by their address. */
function engineOptionsOf(
  known: EngineEntry[] | null,
  runs: RunSummary[] | null,
  chosen: string | null,
): EngineOption[] {
  const hosts = new Map<string, { name: string; current: boolean }>()
  const add = (host: string, name: string, current: boolean) => {
    if (!hosts.has(host)) hosts.set(host, { name: engineName({ host, name }), current })
  }
  for (const entry of known ?? []) add(entry.host, entry.name, entry.current)
  for (const run of runs ?? []) add(run.engineHost, '', false)
  if (chosen) add(chosen, '', false)
  const names = [...hosts.values()].map((each) => each.name)
  return [...hosts].map(([host, { name, current }]) => {
    const unique = names.filter((each) => each === name).length === 1
    const label = unique ? name : `${name} · ${hostAddress(host)}`
    return { host, label: current ? `${label} (shown now)` : label }
  })
}
