/**
 * The usage trend's stacked areas (recharts). Its own module, loaded after the dashboard's first
 * paint: recharts is over 40% of the renderer's code, and the figures must not wait for it.
 */
import { memo, type ReactNode } from 'react'
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
import { AxisTick } from '../components/AxisTick'
import { BYTES_AXIS_PROPS, CHART_MARGIN, GRID_PROPS } from '../components/chart-props'
import { ChartTooltipBox } from '../components/ChartTooltip'
import { formatDateTime } from '../describe'
import { tickLabel, ticksFor } from './ranges'
import { CHART_HEIGHT, type LoadedTrend } from './trend-data'
import { dockerTotal, USAGE_TYPES } from './usage-types'

type ChartRow = { t: number } & Record<(typeof USAGE_TYPES)[number]['id'], number>

/** Memoized: a new tab or a refresh re-renders the card, not 2,000 SVG points of the old chart. */
const TrendChart = memo(function TrendChart({ loaded }: { loaded: LoadedTrend }): ReactNode {
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
        <AreaChart data={rows} margin={CHART_MARGIN}>
          <CartesianGrid {...GRID_PROPS} />
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
          <YAxis {...BYTES_AXIS_PROPS} />
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

export default TrendChart
