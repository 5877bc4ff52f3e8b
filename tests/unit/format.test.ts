import { describe, expect, it } from 'vitest'
import { formatBytes, formatCount } from '../../src/shared/format'

describe('formatBytes', () => {
  it('prints three significant figures in decimal units', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(999)).toBe('999 B')
    expect(formatBytes(1000)).toBe('1.00 kB')
    expect(formatBytes(1234)).toBe('1.23 kB')
    expect(formatBytes(12_345)).toBe('12.3 kB')
    expect(formatBytes(123_456)).toBe('123 kB')
    expect(formatBytes(1_500_000_000)).toBe('1.50 GB')
    expect(formatBytes(-2_000_000)).toBe('-2.00 MB')
    expect(formatBytes(Number.NaN)).toBe('—')
  })

  it('moves up a unit when rounding reaches 1000', () => {
    expect(formatBytes(999_600)).toBe('1.00 MB')
    expect(formatBytes(999_499)).toBe('999 kB')
    expect(formatBytes(999_999_999)).toBe('1.00 GB')
    expect(formatBytes(-999_600)).toBe('-1.00 MB')
  })

  it('drops a digit when rounding crosses 10 or 100', () => {
    expect(formatBytes(99_960_000)).toBe('100 MB')
    expect(formatBytes(9_999_000)).toBe('10.0 MB')
    expect(formatBytes(99_940_000)).toBe('99.9 MB')
    expect(formatBytes(9_994_000)).toBe('9.99 MB')
  })

  it('stays in the largest unit past it', () => {
    expect(formatBytes(2e18)).toBe('2000 PB')
  })
})

describe('formatCount', () => {
  it('groups digits as en-US toLocaleString does', () => {
    for (const n of [0, 7, 999, 1000, 2010, 12_345, 999_999, 1_000_000, 1_234_567_890, -4321]) {
      expect(formatCount(n)).toBe(n.toLocaleString('en-US'))
    }
    expect(formatCount(1.5)).toBe('1.5')
  })
})
