/** What the trend card loads and its chart draws (shared by the card and the lazy chart). */
import type { UsageSeries } from '../../../shared/usage'
import type { Range } from './ranges'

export const CHART_HEIGHT = 240

export interface LoadedTrend {
  series: UsageSeries
  /** The range asked for: the chart keeps drawing it until the next range's answer is in. */
  range: Range
  from: number
  to: number
}
