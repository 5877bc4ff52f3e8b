import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { openDatabase } from '../../src/core/store/database'
import { RunJournal, type RunListOptions } from '../../src/core/store/journal'
import type { FinishedRunStatus, RunSummary, RunTrigger } from '../../src/core/store/run-records'
import { tempDir } from '../support/temp-dir'

const HOUR_MS = 3_600_000
const FIRST_RUN = Date.parse('2025-03-01T00:00:00.000Z')
const TRIGGERS: RunTrigger[] = ['manual', 'tray', 'schedule', 'threshold', 'cli']
const STATUSES: (FinishedRunStatus | 'running')[] = [
  'done',
  'partial',
  'failed',
  'cancelled',
  'done',
  'running',
]

interface Seeded {
  id: string
  startedAt: string
  trigger: RunTrigger
  status: RunSummary['status']
}

/**
 * 30 runs an hour apart from 2025-03-01T00:00Z, triggers and statuses cycling at different
 * rates so every combination of filters selects a different, known subset.
 */
function seededJournal(): { journal: RunJournal; runs: Seeded[] } {
  const opened = openDatabase(join(tempDir(), 'drydock.sqlite'))
  onTestFinished(() => opened.close())
  let now = FIRST_RUN
  const journal = new RunJournal(opened.db, () => new Date(now))
  const runs: Seeded[] = []
  for (let index = 0; index < 30; index++) {
    now = FIRST_RUN + index * HOUR_MS
    const trigger = TRIGGERS[index % TRIGGERS.length]!
    const status = STATUSES[index % STATUSES.length]!
    const id = journal.startRun({
      trigger,
      mode: 'safe',
      selection: { dangling: true },
      engineHost: 'unix:///var/run/docker.sock',
      predictedBytes: 10,
      items: [
        {
          kind: 'image' as const,
          name: '',
          id: `sha256:${String(index % 10).repeat(64)}`,
          tags: [],
          digests: [],
          predictedAction: 'delete',
          predictedBytes: 10,
        },
      ],
    })
    if (status !== 'running') {
      now += 60_000
      journal.finishRun(id, { status, reclaimedBytes: 10 })
    }
    runs.push({
      id,
      startedAt: new Date(FIRST_RUN + index * HOUR_MS).toISOString(),
      trigger,
      status,
    })
  }
  return { journal, runs }
}

const newestFirst = (runs: Seeded[]) => [...runs].reverse().map((run) => run.id)
const ids = (runs: RunSummary[]) => runs.map((run) => run.id)

/** Every page of a listing, following the cursor the way the History page does. */
function allPages(journal: RunJournal, options: RunListOptions, limit: number): RunSummary[][] {
  const pages: RunSummary[][] = []
  let before: string | undefined
  for (;;) {
    const page = journal.listRuns({ ...options, limit, beforeStartedAt: before })
    if (page.length === 0) return pages
    expect(page.length).toBeLessThanOrEqual(limit)
    pages.push(page)
    before = page.at(-1)!.startedAt
    if (pages.length > 100) throw new Error('the cursor does not advance')
  }
}

describe('RunJournal.listRuns filters', () => {
  it('lists every run newest first without filters', () => {
    const { journal, runs } = seededJournal()
    expect(ids(journal.listRuns({ limit: 100 }))).toEqual(newestFirst(runs))
    expect(ids(journal.listRuns())).toHaveLength(30)
    expect(ids(journal.listRuns({ limit: 5 }))).toEqual(newestFirst(runs).slice(0, 5))
  })

  it('filters by triggers', () => {
    const { journal, runs } = seededJournal()
    const listed = journal.listRuns({ triggers: ['manual', 'cli'], limit: 100 })
    expect(ids(listed)).toEqual(
      newestFirst(runs.filter((run) => run.trigger === 'manual' || run.trigger === 'cli')),
    )
    expect(listed).toHaveLength(12)
  })

  it('filters by statuses, including runs still open', () => {
    const { journal, runs } = seededJournal()
    for (const statuses of [['done'], ['running'], ['failed', 'cancelled']] as const) {
      const listed = journal.listRuns({ statuses: [...statuses], limit: 100 })
      expect(ids(listed), statuses.join()).toEqual(
        newestFirst(runs.filter((run) => (statuses as readonly string[]).includes(run.status))),
      )
      expect(listed.length).toBeGreaterThan(0)
      for (const run of listed) expect(statuses).toContain(run.status)
    }
  })

  it('combines triggers and statuses', () => {
    const { journal, runs } = seededJournal()
    const listed = journal.listRuns({ triggers: ['tray', 'schedule'], statuses: ['done'] })
    expect(ids(listed)).toEqual(
      newestFirst(
        runs.filter(
          (run) => (run.trigger === 'tray' || run.trigger === 'schedule') && run.status === 'done',
        ),
      ),
    )
    expect(listed.length).toBeGreaterThan(0)
  })

  it('filters by a time range given with non-UTC offsets, both ends inclusive', () => {
    const { journal, runs } = seededJournal()
    // 10:00Z and 14:00Z, written as a user east and west of UTC would.
    const listed = journal.listRuns({
      from: '2025-03-01T12:00:00+02:00',
      to: '2025-03-01T09:00:00.000-05:00',
    })
    expect(listed.map((run) => run.startedAt)).toEqual([
      '2025-03-01T14:00:00.000Z',
      '2025-03-01T13:00:00.000Z',
      '2025-03-01T12:00:00.000Z',
      '2025-03-01T11:00:00.000Z',
      '2025-03-01T10:00:00.000Z',
    ])
    // One end only; a half-hour offset; a range between two runs.
    expect(journal.listRuns({ from: '2025-03-02T05:30:00+05:30', limit: 100 })).toHaveLength(6)
    expect(ids(journal.listRuns({ to: '2025-03-01T01:59:59.999Z' }))).toEqual(
      newestFirst(runs.slice(0, 2)),
    )
    expect(
      journal.listRuns({ from: '2025-03-01T10:00:00.001Z', to: '2025-03-01T10:59:59Z' }),
    ).toEqual([])
  })

  it('combines a time range with triggers and statuses', () => {
    const { journal, runs } = seededJournal()
    const from = '2025-03-01T06:00:00+01:00' // 05:00Z
    const to = '2025-03-01T20:00:00-03:00' // 23:00Z
    const listed = journal.listRuns({
      from,
      to,
      triggers: ['manual', 'threshold'],
      statuses: ['done', 'failed'],
    })
    expect(ids(listed)).toEqual(
      newestFirst(
        runs.filter(
          (run) =>
            run.startedAt >= '2025-03-01T05:00:00.000Z' &&
            run.startedAt <= '2025-03-01T23:00:00.000Z' &&
            (run.trigger === 'manual' || run.trigger === 'threshold') &&
            (run.status === 'done' || run.status === 'failed'),
        ),
      ),
    )
    expect(listed.length).toBeGreaterThan(0)
  })

  it('pages through filtered runs with the cursor: no run twice, none missed, newest first', () => {
    const { journal, runs } = seededJournal()
    const cases: [RunListOptions, (run: Seeded) => boolean][] = [
      [{}, () => true],
      [
        { triggers: ['manual', 'cli', 'tray'] },
        (run) => ['manual', 'cli', 'tray'].includes(run.trigger),
      ],
      [
        { statuses: ['done', 'running'] },
        (run) => run.status === 'done' || run.status === 'running',
      ],
      [
        { from: '2025-03-01T07:30:00-02:00', to: '2025-03-02T03:00:00+01:00', statuses: ['done'] },
        (run) =>
          run.startedAt >= '2025-03-01T09:30:00.000Z' &&
          run.startedAt <= '2025-03-02T02:00:00.000Z' &&
          run.status === 'done',
      ],
    ]
    for (const [options, wanted] of cases) {
      for (const limit of [1, 3, 7]) {
        const pages = allPages(journal, options, limit)
        const expected = newestFirst(runs.filter(wanted))
        expect(
          pages.flat().map((run) => run.id),
          `${JSON.stringify(options)} by ${limit}`,
        ).toEqual(expected)
        expect(pages).toHaveLength(Math.ceil(expected.length / limit))
      }
    }
  })

  it('continues a filtered listing from a cursor in the middle', () => {
    const { journal, runs } = seededJournal()
    const listed = journal.listRuns({
      triggers: ['schedule'],
      beforeStartedAt: '2025-03-01T17:00:00.000Z',
    })
    expect(ids(listed)).toEqual(
      newestFirst(
        runs.filter(
          (run) => run.trigger === 'schedule' && run.startedAt < '2025-03-01T17:00:00.000Z',
        ),
      ),
    )
    expect(listed.map((run) => run.startedAt)).toEqual([
      '2025-03-01T12:00:00.000Z',
      '2025-03-01T07:00:00.000Z',
      '2025-03-01T02:00:00.000Z',
    ])
  })

  it('reads a cursor written with a non-UTC offset as the instant it names', () => {
    const { journal } = seededJournal()
    // 17:00Z: the runs before it are 16:00Z, 15:00Z, ...
    for (const options of [
      {},
      { statuses: ['done', 'partial', 'failed', 'cancelled', 'running'] },
    ]) {
      const listed = journal.listRuns({
        ...(options as RunListOptions),
        beforeStartedAt: '2025-03-01T19:00:00+02:00',
        limit: 2,
      })
      expect(listed.map((run) => run.startedAt)).toEqual([
        '2025-03-01T16:00:00.000Z',
        '2025-03-01T15:00:00.000Z',
      ])
    }
  })
})

describe('paging through runs started in the same millisecond', () => {
  it('skips none and repeats none when the cursor carries the last run’s id', () => {
    const opened = openDatabase(join(tempDir(), 'drydock.sqlite'))
    onTestFinished(() => opened.close())
    // An injected clock that does not move: every run starts at the same instant.
    const journal = new RunJournal(opened.db, () => new Date(FIRST_RUN))
    const ids = Array.from({ length: 7 }, () =>
      journal.startRun({
        trigger: 'cli',
        mode: 'safe',
        selection: { dangling: true },
        engineHost: 'unix:///var/run/docker.sock',
        predictedBytes: 0,
        items: [],
      }),
    )
    for (const filters of [{}, { triggers: ['cli' as const] }]) {
      const seen: string[] = []
      let page = journal.listRuns({ limit: 3, ...filters })
      while (page.length > 0) {
        seen.push(...page.map((run) => run.id))
        const last = page.at(-1)!
        page = journal.listRuns({
          limit: 3,
          beforeStartedAt: last.startedAt,
          beforeId: last.id,
          ...filters,
        })
      }
      expect(seen).toEqual([...ids].reverse())
    }
  })
})
