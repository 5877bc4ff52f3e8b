/**
 * Disk usage over time from the log's samples: stacked areas by type over 24 h, 7 d or 90 d.
 * Works with no engine (the samples are in the log). The range lives in the hash (`?range=7d`).
 */
import { useCallback, type ReactNode } from 'react'
import { useClient } from '../client-context'
import { Card } from '../components/Card'
import { ErrorBanner } from '../components/ErrorBanner'
import { Tabs, tabId } from '../components/Tabs'
import { useHashQuery } from '../hooks/useHashQuery'
import { useLive } from '../hooks/useLive'
import { lazyModule, useModule } from '../hooks/useModule'
import { RANGES, rangeOf } from './ranges'
import { CHART_HEIGHT, type LoadedTrend } from './trend-data'
import { USAGE_TYPES } from './usage-types'

const PANEL_ID = 'usage-trend-panel'

/**
 * The chart's code (recharts), loaded after the dashboard's first paint (its effects ask for it),
 * so it is there by the time the series is.
 */
const trendChart = lazyModule(() => import('./TrendChart'))
export const loadTrendChart = (): Promise<unknown> => trendChart.load()

export function TrendCard({
  tick,
  host,
  samplingMinutes,
}: {
  tick: number
  /** The engine whose samples to draw; null: the one Drydock last connected to. */
  host: string | null
  /** From the settings, for the empty state; null while unknown. */
  samplingMinutes: number | null
}): ReactNode {
  const client = useClient()
  const [query, setQuery] = useHashQuery()
  const range = rangeOf(query.get('range'))

  const load = useCallback(async (): Promise<LoadedTrend> => {
    const to = Date.now()
    const from = to - range.ms
    const series = await client.getUsageSeries({
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      maxPoints: 500,
      ...(host === null ? {} : { host }),
    })
    return { series, range, from, to }
  }, [client, range, host])
  const trend = useLive(load, tick)

  return (
    <Card
      title={
        <>
          Usage over time
          <span className="card__subtitle">
            Disk used by type, in decimal units (1 GB = 1,000,000,000 bytes)
          </span>
        </>
      }
      labelledBy="usage-trend-title"
      className="trend-card"
      testId="usage-trend"
      actions={
        <Tabs
          label="Time range"
          options={RANGES}
          value={range.id}
          onChange={(id) => setQuery({ range: id === '24h' ? null : id })}
          idPrefix="usage-range"
          panelId={PANEL_ID}
        />
      }
    >
      <div
        id={PANEL_ID}
        role="tabpanel"
        aria-labelledby={tabId('usage-range', range.id)}
        className="trend-card__panel"
        aria-busy={trend.status === 'loading' || trend.refreshing}
        data-host={trend.status === 'ready' ? (trend.value.series.host ?? '') : undefined}
      >
        {trend.status === 'loading' ? (
          <ChartSkeleton />
        ) : trend.status === 'error' ? (
          <div className="chart-placeholder" style={{ height: CHART_HEIGHT }}>
            <ErrorBanner
              title="Could not read the usage history"
              error={trend.error}
              onRetry={trend.reload}
            />
          </div>
        ) : trend.value.series.points.length === 0 ? (
          <div
            className="chart-placeholder chart-placeholder--empty"
            style={{ height: CHART_HEIGHT }}
            data-testid="usage-trend-empty"
          >
            <p>
              No samples yet — Drydock samples every{' '}
              {samplingMinutes === null
                ? 'few'
                : `${samplingMinutes.toLocaleString()} minute${samplingMinutes === 1 ? '' : 's'}`}
              .
            </p>
            <p className="muted">The chart fills in as samples are taken.</p>
          </div>
        ) : (
          <ChartOrSkeleton loaded={trend.value} />
        )}
        <ul className="chart-legend" aria-label="Legend">
          {USAGE_TYPES.map((type) => (
            <li key={type.id}>
              <span
                className="chart-swatch"
                style={{ background: type.color }}
                aria-hidden="true"
              />
              {type.label}
            </li>
          ))}
        </ul>
      </div>
    </Card>
  )
}

function ChartOrSkeleton({ loaded }: { loaded: LoadedTrend }): ReactNode {
  const code = useModule(trendChart)
  if (code.status === 'ready') return <code.module.default loaded={loaded} />
  if (code.status === 'loading') return <ChartSkeleton />
  return (
    <div className="chart-placeholder" style={{ height: CHART_HEIGHT }}>
      <ErrorBanner title="Could not load the chart" error={code.error} onRetry={code.retry} />
    </div>
  )
}

function ChartSkeleton(): ReactNode {
  return <div className="chart-skeleton skeleton" style={{ height: CHART_HEIGHT }} />
}
