/**
 * Sizes as people type them ("5 GB", "500MB", "1.5 TB", "2 GiB") and back. Decimal units by
 * default, as everywhere in Drydock (formatBytes, `docker system df`); binary ones when asked
 * for by name (KiB, MiB, GiB, TiB).
 */

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
  // Single letters, as in `docker run --memory 5g`: decimal like the rest of the UI.
  k: 1e3,
  m: 1e6,
  g: 1e9,
  t: 1e12,
}

const SIZE = /^(\d+(?:[.,]\d+)?|[.,]\d+)\s*([a-z]*)$/i

export type SizeResult = { ok: true; bytes: number | null } | { ok: false; message: string }

/** Parses a size; empty means "not set" (null). Whole bytes, rounded. */
export function parseSize(text: string): SizeResult {
  const trimmed = text.trim()
  if (trimmed === '') return { ok: true, bytes: null }
  const match = SIZE.exec(trimmed)
  if (!match) {
    return { ok: false, message: 'Enter a size such as 5 GB or 500 MB.' }
  }
  const value = Number(match[1]!.replace(',', '.'))
  const unit = match[2]!.toLowerCase()
  if (unit === '') {
    return { ok: false, message: `Add a unit: ${trimmed} B, kB, MB, GB or TB?` }
  }
  const factor = UNITS[unit]
  if (factor === undefined) {
    return { ok: false, message: `“${match[2]}” is not a unit; use B, kB, MB, GB or TB.` }
  }
  const bytes = Math.round(value * factor)
  if (!Number.isSafeInteger(bytes)) return { ok: false, message: 'That size is too large.' }
  return { ok: true, bytes }
}

/** The shortest exact way to write a byte count in decimal units: 5000000000 → "5 GB". */
export function formatSizeInput(bytes: number | null): string {
  if (bytes === null) return ''
  const units: [string, number][] = [
    ['TB', 1e12],
    ['GB', 1e9],
    ['MB', 1e6],
    ['kB', 1e3],
  ]
  for (const [name, factor] of units) {
    // Up to three decimals when that is exact; otherwise a smaller unit writes it exactly.
    if (bytes >= factor && bytes % (factor / 1000) === 0) {
      return `${Number((bytes / factor).toFixed(3))} ${name}`
    }
  }
  return `${bytes} B`
}
