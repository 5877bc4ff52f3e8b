/** Pure pieces of the Dashboard and History pages: the alert line, filters, selections. */
import { describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS } from '../../src/shared/settings'
import { freeThresholdBytes } from '../../src/renderer/src/dashboard/free-space'
import { describeSelection } from '../../src/renderer/src/history/describe-run'
import { filtersFromQuery, rangeError, runQuery } from '../../src/renderer/src/history/filters'

const GB = 1e9

describe('freeThresholdBytes', () => {
  const alerts = DEFAULT_SETTINGS.alerts

  it('is the larger of the two thresholds, since either one raises the alert', () => {
    expect(freeThresholdBytes(alerts, 500 * GB)).toBe(50 * GB)
    expect(freeThresholdBytes(alerts, 20 * GB)).toBe(5 * GB)
  })

  it('is null when alerts are off or no free-space threshold is set', () => {
    expect(freeThresholdBytes({ ...alerts, enabled: false }, 500 * GB)).toBeNull()
    expect(
      freeThresholdBytes({ ...alerts, freeBelowPercent: null, freeBelowBytes: null }, 500 * GB),
    ).toBeNull()
  })

  it('never lies beyond the disk', () => {
    expect(freeThresholdBytes({ ...alerts, freeBelowBytes: 900 * GB }, 500 * GB)).toBe(500 * GB)
  })
})

describe('history filters', () => {
  it('reads known values from the hash and ignores the rest', () => {
    const query = new URLSearchParams('trigger=cli&status=bogus&from=2025-01-02&to=tomorrow')
    expect(filtersFromQuery(query)).toEqual({
      trigger: 'cli',
      status: null,
      engine: null,
      from: '2025-01-02',
      to: null,
    })
  })

  it('filters by engine: the host in the hash, engineHost for listRuns', () => {
    const host = 'unix:///tmp/b/docker.sock'
    const filters = filtersFromQuery(new URLSearchParams({ engine: host }))
    expect(filters.engine).toBe(host)
    expect(runQuery(filters)).toEqual({ engineHost: host })
    expect(filtersFromQuery(new URLSearchParams('engine=')).engine).toBeNull()
  })

  it('asks listRuns for whole local days, the "to" day included', () => {
    const query = runQuery({
      trigger: null,
      status: 'done',
      engine: null,
      from: '2025-01-02',
      to: '2025-01-02',
    })
    expect(query.statuses).toEqual(['done'])
    expect(new Date(query.from!).getTime()).toBe(new Date(2025, 0, 2).getTime())
    expect(new Date(query.to!).getTime()).toBe(new Date(2025, 0, 3).getTime())
  })

  it('says when the range is backwards', () => {
    expect(
      rangeError({
        trigger: null,
        status: null,
        engine: null,
        from: '2025-02-01',
        to: '2025-01-01',
      }),
    ).toMatch(/after/)
  })
})

describe('describeSelection', () => {
  it('puts a stored selection in words', () => {
    expect(
      describeSelection({ dangling: true, protect: ['postgres:*'], keepLast: null, images: [] }),
    ).toBe('Dangling images; protecting postgres:*')
    expect(describeSelection({ images: [`sha256:${'a'.repeat(64)}`], force: true })).toBe(
      'Named images aaaaaaaaaaaa; forced',
    )
  })

  it('says what a size target kept', () => {
    expect(describeSelection({ targetSize: 20_000_000_000 })).toBe(
      'Least recently used images and build cache until they take 20.0 GB',
    )
  })

  it('copes with what it does not know', () => {
    expect(describeSelection(null)).toBe('Not recorded')
    expect(describeSelection({})).toBe('Nothing selected')
  })
})

describe('lazyModule (code loaded on first use, without React.lazy)', () => {
  it('imports once, keeps the module for later mounts, and asks again after a failure', async () => {
    // A computed specifier: the module imports React, whose types this project must not load
    // (see renderer-free-space-card.test.ts); only Vitest resolves it.
    const specifier = ['../../src/renderer/src/hooks', 'useModule'].join('/')
    const { lazyModule } = (await import(/* @vite-ignore */ specifier)) as {
      lazyModule: <T>(importer: () => Promise<T>) => { load(): Promise<T>; loaded: T | null }
    }
    let calls = 0
    let fail = true
    const lazy = lazyModule(async () => {
      calls += 1
      if (fail) throw new Error('chunk failed to load')
      return { answer: 42 }
    })
    await expect(lazy.load()).rejects.toThrow('chunk failed to load')
    expect(lazy.loaded).toBeNull()
    fail = false
    const [first, second] = await Promise.all([lazy.load(), lazy.load()])
    expect(first).toEqual({ answer: 42 })
    expect(second).toBe(first)
    expect(lazy.loaded).toBe(first)
    expect(calls).toBe(2)
  })
})
