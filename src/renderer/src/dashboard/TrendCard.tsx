/**
 * Disk usage over time from the log's samples: stacked areas by type over 24 h, 7 d or 90 d.
 * Works with no engine (the samples are in the log). The range lives in the hash (`?range=7d`).
 */
import { memo, useCallback, type ReactNode } from 'react'
import {
  Area,
  AreaChart,
  CartesianGrid,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts'
import { formatBytes } from '../../../shared/format'
import type { UsageSeries } from '../../../shared/usage'
import { useClient } from '../client-context'
import { Card } from '../components/Card'
import { AxisTick } from '../components/AxisTick'
import { ChartTooltipBox } from '../components/ChartTooltip'
import { ErrorBanner } from '../components/ErrorBanner'
import { Tabs, tabId } from '../components/Tabs'
import { formatDateTime } from '../describe'
import { useHashQuery } from '../hooks/useHashQuery'
import { useLive } from '../hooks/useLive'
import { RANGES, rangeOf, tickLabel, ticksFor, type Range } from './ranges'
import { dockerTotal, USAGE_TYPES } from './usage-types'

const NO_LINES = (): number[] => []
const CHART_HEIGHT = 240
const PANEL_ID = 'usage-trend-panel'

type ChartRow = { t: number } & Record<(typeof USAGE_TYPES)[number]['id'], number>

interface Loaded {
  series: UsageSeries
  /** The range asked for: the chart keeps drawing it until the next range's answer is in. */
  range: Range
  from: number
  to: number
}

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

  const load = useCallback(async (): Promise<Loaded> => {
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
          <div className="chart-skeleton skeleton" style={{ height: CHART_HEIGHT }} />
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
          <TrendChart loaded={trend.value} />
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

/** Memoized: a new tab or a refresh re-renders the card, not 2,000 SVG points of the old chart. */
const TrendChart = memo(function TrendChart({ loaded }: { loaded: Loaded }): ReactNode {
  const range = loaded.range
  const rows: ChartRow[] = loaded.series.points.map((point) => ({
    t: Date.parse(point.at),
    images: point.imagesBytes,
    containers: point.containersBytes,
    volumes: point.volumesBytes,
    'build-cache': point.buildCacheBytes,
  }))
  const last = loaded.series.points.at(-1)!
  const summary = `${range.title}: ${rows.length.toLocaleString()} samples; latest ${formatBytes(
    dockerTotal(last),
  )} in total at ${formatDateTime(last.at)}.`

  return (
    <div className="trend-chart" data-testid="usage-trend-chart" data-points={rows.length}>
      <p className="visually-hidden">{summary}</p>
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <AreaChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 4 }}>
          <CartesianGrid
            vertical={false}
            // With no vertical lines, none to place: the default placement measures every
            // x-axis label in the DOM (forced layouts) only to throw the result away.
            verticalCoordinatesGenerator={NO_LINES}
            stroke="var(--border)"
            strokeDasharray="3 3"
          />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={[loaded.from, loaded.to]}
            ticks={ticksFor(range, loaded.from, loaded.to)}
            stroke="var(--text-faint)"
            tick={<AxisTick format={(t) => tickLabel(range, t)} />}
            interval={0}
          />
          <YAxis
            width={72}
            stroke="var(--text-faint)"
            tick={<AxisTick format={formatBytes} />}
            interval={0}
          />
          <Tooltip
            isAnimationActive={false}
            cursor={{ stroke: 'var(--border-strong)' }}
            content={({ active, payload, label }) =>
              active && payload && payload.length > 0 ? (
                <ChartTooltipBox
                  heading={formatDateTime(new Date(Number(label)).toISOString())}
                  lines={USAGE_TYPES.map((type) => ({
                    key: type.id,
                    label: type.label,
                    color: type.color,
                    value: formatBytes(Number(payload[0]!.payload[type.id])),
                  })).reverse()}
                  footer={`Total ${formatBytes(
                    USAGE_TYPES.reduce((sum, t) => sum + Number(payload[0]!.payload[t.id]), 0),
                  )}`}
                />
              ) : null
            }
          />
          {USAGE_TYPES.map((type) => (
            <Area
              key={type.id}
              dataKey={type.id}
              name={type.label}
              stackId="usage"
              type="monotone"
              stroke={type.color}
              fill={type.color}
              fillOpacity={0.3}
              strokeWidth={1.5}
              isAnimationActive={false}
              dot={false}
            />
          ))}
        </AreaChart>
      </ResponsiveContainer>
    </div>
  )
})
