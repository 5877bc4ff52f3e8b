/** The trend chart's time ranges and how each labels its time axis. */

const HOUR = 60 * 60 * 1000
const DAY = 24 * HOUR

export const RANGES = [
  { id: '24h', label: '24 h', title: 'Last 24 hours', ms: DAY },
  { id: '7d', label: '7 d', title: 'Last 7 days', ms: 7 * DAY },
  { id: '90d', label: '90 d', title: 'Last 90 days', ms: 90 * DAY },
] as const

export type RangeId = (typeof RANGES)[number]['id']
export type Range = (typeof RANGES)[number]

export function rangeOf(id: string | null): Range {
  return RANGES.find((range) => range.id === id) ?? RANGES[0]
}

/** Axis ticks: hours for a day, weekdays for a week, dates beyond. */
export function tickLabel(range: Range, at: number): string {
  const date = new Date(at)
  if (range.id === '24h')
    return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
  if (range.id === '7d')
    return date.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric' })
  return date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })
}

/** Evenly spaced ticks on round boundaries (hours, days) so the labels read naturally. */
export function ticksFor(range: Range, from: number, to: number): number[] {
  const step = range.id === '24h' ? 4 * HOUR : range.id === '7d' ? DAY : 15 * DAY
  // Round in local time so "00:00" and dates fall on the user's midnight, not UTC's.
  const start = new Date(from)
  if (range.id === '24h') start.setMinutes(0, 0, 0)
  else start.setHours(0, 0, 0, 0)
  const ticks: number[] = []
  for (let t = start.getTime(); t <= to; t += step) if (t >= from) ticks.push(t)
  return ticks
}
