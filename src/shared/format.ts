/** Formatting shared by the UI and the CLI. Pure: no Node, no DOM. */

const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB']

/** Decimal units, as `docker system df` prints them, so figures compare one to one. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—'
  const sign = bytes < 0 ? '-' : ''
  let value = Math.abs(bytes)
  let unit = 0
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000
    unit += 1
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2
  return `${sign}${value.toFixed(digits)} ${BYTE_UNITS[unit]}`
}

/** "3 minutes ago"-style phrasing for timestamps in lists. */
export function formatAge(from: Date, now: Date): string {
  const seconds = Math.round((now.getTime() - from.getTime()) / 1000)
  if (seconds < 45) return 'just now'
  const steps: [number, string][] = [
    [60, 'minute'],
    [60, 'hour'],
    [24, 'day'],
    [30.4375, 'month'],
    [12, 'year'],
  ]
  let value = seconds / 60
  let unit = 'minute'
  for (let i = 1; i < steps.length && value >= steps[i]![0]; i += 1) {
    value /= steps[i]![0]
    unit = steps[i]![1]
  }
  const rounded = Math.round(value)
  return `${rounded} ${unit}${rounded === 1 ? '' : 's'} ago`
}
