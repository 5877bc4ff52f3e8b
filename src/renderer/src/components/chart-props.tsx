/** What every Drydock chart draws alike: its margin, its grid (horizontal lines only) and its
 * byte axis. */
import { formatBytes } from '../../../shared/format'
import { AxisTick } from './AxisTick'

export const CHART_MARGIN = { top: 8, right: 12, bottom: 0, left: 4 }

/** CartesianGrid's props. With no vertical lines there are none to place: the default placement
 * measures every x-axis label in the DOM (forced layouts) only to throw the result away. */
export const GRID_PROPS = {
  vertical: false,
  verticalCoordinatesGenerator: (): number[] => [],
  stroke: 'var(--border)',
  strokeDasharray: '3 3',
}

/** YAxis's props for bytes: every tick labelled, in decimal units. */
export const BYTES_AXIS_PROPS = {
  width: 72,
  stroke: 'var(--text-faint)',
  tick: <AxisTick format={formatBytes} />,
  interval: 0,
}
