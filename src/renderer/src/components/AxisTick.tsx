/**
 * An axis label as plain SVG text. Recharts' own tick label measures every word in the DOM (a
 * forced layout each) to wrap it; short labels like "5.00 GB" never wrap, and skipping that
 * halves the chart's first render (scripts/bench/ui-dashboard.mjs).
 */
import type { ReactNode } from 'react'

export interface AxisTickProps {
  x?: number | string
  y?: number | string
  payload?: { value: unknown }
  textAnchor?: 'start' | 'middle' | 'end' | 'inherit'
  verticalAnchor?: 'start' | 'middle' | 'end'
  format: (value: number) => string
}

const DY = { start: '0.71em', middle: '0.355em', end: '0' } as const

export function AxisTick({
  x,
  y,
  payload,
  textAnchor = 'middle',
  verticalAnchor = 'middle',
  format,
}: AxisTickProps): ReactNode {
  return (
    <text x={x} y={y} dy={DY[verticalAnchor]} textAnchor={textAnchor} className="chart-tick">
      {format(Number(payload?.value))}
    </text>
  )
}
