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
  // Rounding can carry into the next unit (999.6 kB prints "1000", 99.96 MB "100.0"): round
  // first, then step up while the rounded figure reaches 1000 or outgrows its digits.
  let text = value.toFixed(digitsFor(unit, value))
  while (unit < BYTE_UNITS.length - 1) {
    const rounded = Number(text)
    if (rounded >= 1000) {
      value /= 1000
      unit += 1
    } else if (digitsFor(unit, rounded) !== digitsFor(unit, value)) {
      value = rounded
    } else {
      break
    }
    text = value.toFixed(digitsFor(unit, value))
  }
  return `${sign}${text} ${BYTE_UNITS[unit]}`
}

/** Three significant figures at most: 1.23, 12.3, 123 (bytes are whole). */
function digitsFor(unit: number, value: number): number {
  return unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2
}

/** A whole count with thousands separators, as en-US writes it ("12,345"; other numbers as
 * String gives them). Not toLocaleString: its first call loads ICU's number data, 32-52 ms here,
 * before a CLI's first line could print. */
export function formatCount(n: number): string {
  if (!Number.isInteger(n)) return String(n)
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
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

/** The 12 hex digits people know an image or container by (`docker images` shows the same). */
export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12)
}
