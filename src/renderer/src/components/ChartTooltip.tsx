/** The tooltip every Drydock chart shows: a heading (the time) and one line per series. */
import type { ReactNode } from 'react'

export interface TooltipLine {
  key: string
  label: string
  value: string
  color: string
}

export function ChartTooltipBox({
  heading,
  lines,
  footer,
}: {
  heading: string
  lines: TooltipLine[]
  footer?: string
}): ReactNode {
  return (
    <div className="chart-tooltip">
      <p className="chart-tooltip__heading">{heading}</p>
      <ul>
        {lines.map((line) => (
          <li key={line.key}>
            <span className="chart-swatch" style={{ background: line.color }} aria-hidden="true" />
            <span className="chart-tooltip__label">{line.label}</span>
            <span className="num">{line.value}</span>
          </li>
        ))}
      </ul>
      {footer ? <p className="chart-tooltip__footer num">{footer}</p> : null}
    </div>
  )
}
