/** History's in-place refresh: the first page read again merges into the pages already loaded. */
import { describe, expect, it } from 'vitest'
import type { RunSummary } from '../../src/shared/history'
import { PAGE_SIZE, withFirstPage } from '../../src/renderer/src/history/run-pages'

/** Runs newest first, numbered from `from` down; only the fields the merge reads matter. */
function runs(from: number, count: number, tag = ''): RunSummary[] {
  return Array.from({ length: count }, (_, i) => {
    const n = from - i
    return {
      id: `run-${n}`,
      startedAt: new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(),
      status: tag || 'done',
    } as unknown as RunSummary
  })
}

describe('withFirstPage', () => {
  it('puts new runs on top and keeps the older pages already loaded', () => {
    const shown = { runs: runs(100, 2 * PAGE_SIZE), done: false, extra: 'kept' }
    const first = runs(101, PAGE_SIZE)
    const merged = withFirstPage(shown, first)
    expect(merged.runs.map((r) => r.id)).toEqual(runs(101, 2 * PAGE_SIZE + 1).map((r) => r.id))
    expect(merged.done).toBe(false)
    expect(merged.extra).toBe('kept')
  })

  it('takes the first page as read (a run that finished meanwhile shows its new status)', () => {
    const shown = { runs: runs(100, 2 * PAGE_SIZE, 'running'), done: true }
    const merged = withFirstPage(shown, runs(100, PAGE_SIZE))
    expect(merged.runs).toHaveLength(2 * PAGE_SIZE)
    expect(merged.runs[0]).toMatchObject({ id: 'run-100', status: 'done' })
    expect(merged.runs.at(-1)).toMatchObject({ status: 'running' })
    expect(merged.done).toBe(true)
  })

  it('a short first page is the whole list', () => {
    const merged = withFirstPage({ runs: runs(10, 3), done: false }, runs(11, 4))
    expect(merged.runs.map((r) => r.id)).toEqual(['run-11', 'run-10', 'run-9', 'run-8'])
    expect(merged.done).toBe(true)
  })
})
