/** Bytes reclaimed per day by the runs the filters match (up to the last 1,000 runs). */
import { useCallback, type ReactNode } from 'react'
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { formatBytes } from '../../../shared/format'
import type { RunSummary } from '../../../shared/history'
import { useClient } from '../client-context'
import { Card } from '../components/Card'
import { AxisTick } from '../components/AxisTick'
import { BYTES_AXIS_PROPS, CHART_MARGIN, GRID_PROPS } from '../components/chart-props'
import { ChartTooltipBox } from '../components/ChartTooltip'
import { ErrorBanner } from '../components/ErrorBanner'
import { plural } from '../describe'
import { useLive } from '../hooks/useLive'
import type { RunQuery } from './filters'

const CHART_HEIGHT = 200
const MAX_RUNS = 1000

interface DayRow {
  /** Local midnight, ms. */
  day: number
  reclaimed: number
  runs: number
}

export function reclaimedByDay(runs: RunSummary[]): DayRow[] {
  const days = new Map<number, DayRow>()
  for (const run of runs) {
    const start = new Date(run.startedAt)
    const day = new Date(start.getFullYear(), start.getMonth(), start.getDate()).getTime()
    const row = days.get(day) ?? { day, reclaimed: 0, runs: 0 }
    row.reclaimed += run.reclaimedBytes ?? 0
    row.runs += 1
    days.set(day, row)
  }
  return [...days.values()].sort((a, b) => a.day - b.day)
}

const dayLabel = (day: number): string =>
  new Date(day).toLocaleDateString(undefined, { month: 'short', day: 'numeric' })

export function ReclaimedChart({ query, tick }: { query: RunQuery; tick: number }): ReactNode {
  const client = useClient()
  const queryKey = JSON.stringify(query)
  const runs = useLive(
    useCallback(
      () => client.listRuns({ ...(JSON.parse(queryKey) as RunQuery), limit: MAX_RUNS }),
      [client, queryKey],
    ),
    tick,
  )

  let body: ReactNode
  if (runs.status === 'loading') {
    body = <div className="chart-skeleton skeleton" style={{ height: CHART_HEIGHT }} />
  } else if (runs.status === 'error') {
    body = (
      <div className="chart-placeholder" style={{ height: CHART_HEIGHT }}>
        <ErrorBanner title="Could not read the runs" error={runs.error} onRetry={runs.reload} />
      </div>
    )
  } else {
    const rows = reclaimedByDay(runs.value)
    const total = rows.reduce((sum, row) => sum + row.reclaimed, 0)
    body =
      rows.length === 0 ? (
        <div
          className="chart-placeholder chart-placeholder--empty"
          style={{ height: CHART_HEIGHT }}
        >
          <p className="muted">No runs to chart.</p>
        </div>
      ) : (
        <div className="reclaimed-chart" data-testid="reclaimed-chart">
          <p className="visually-hidden">
            {`${formatBytes(total)} reclaimed by ${plural(runs.value.length, 'run')} over ${plural(rows.length, 'day')}.`}
          </p>
          <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
            <BarChart data={rows} margin={CHART_MARGIN}>
              <CartesianGrid {...GRID_PROPS} />
              <XAxis
                dataKey="day"
                stroke="var(--text-faint)"
                tick={<AxisTick format={dayLabel} />}
                // About ten labels at most, chosen without measuring each one.
                interval={Math.max(0, Math.ceil(rows.length / 10) - 1)}
              />
              <YAxis {...BYTES_AXIS_PROPS} />
              <Tooltip
                isAnimationActive={false}
                cursor={{ fill: 'var(--accent-soft)' }}
                content={({ active, payload }) => {
                  const row = payload?.[0]?.payload as DayRow | undefined
                  return active && row ? (
                    <ChartTooltipBox
                      heading={new Date(row.day).toLocaleDateString(undefined, {
                        weekday: 'short',
                        year: 'numeric',
                        month: 'short',
                        day: 'numeric',
                      })}
                      lines={[
                        {
                          key: 'reclaimed',
                          label: 'Reclaimed',
                          color: 'var(--chart-build-cache)',
                          value: formatBytes(row.reclaimed),
                        },
                      ]}
                      footer={plural(row.runs, 'run')}
                    />
                  ) : null
                }}
              />
              <Bar
                dataKey="reclaimed"
                name="Reclaimed"
                fill="var(--chart-build-cache)"
                radius={[3, 3, 0, 0]}
                maxBarSize={28}
                isAnimationActive={false}
              />
            </BarChart>
          </ResponsiveContainer>
        </div>
      )
  }

  return (
    <Card
      title={
        <>
          Bytes reclaimed
          <span className="card__subtitle">Per day, for the runs listed below</span>
        </>
      }
      labelledBy="reclaimed-chart-title"
      className="reclaimed-card"
    >
      {body}
    </Card>
  )
}
