import { spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it, onTestFinished } from 'vitest'
import { openDatabase } from '../../src/core/store/database'
import { StoreError } from '../../src/core/store/errors'
import { RunJournal } from '../../src/core/store/journal'
import type { StartRunInput } from '../../src/core/store/run-records'
import { tempDir } from '../support/temp-dir'

/** A clock that moves one second per reading, so every timestamp is distinct and known. */
function steppingClock(start = '2025-03-01T10:00:00.000Z'): () => Date {
  let next = Date.parse(start)
  return () => {
    const now = new Date(next)
    next += 1000
    return now
  }
}

function openJournal(path = join(tempDir(), 'drydock.sqlite'), clock = steppingClock()) {
  const opened = openDatabase(path)
  onTestFinished(() => opened.close())
  return { ...opened, journal: new RunJournal(opened.db, clock) }
}

function plan(imageCount = 3): StartRunInput {
  return {
    trigger: 'manual',
    mode: 'safe',
    selection: { unused: true, protect: ['postgres:*'] },
    engineHost: 'unix:///var/run/docker.sock',
    engineId: 'ENGINE-1',
    predictedBytes: imageCount * 100,
    items: Array.from({ length: imageCount }, (_, index) => ({
      kind: 'image' as const,
      name: `app:${index}`,
      id: `sha256:${String(index).repeat(64)}`,
      tags: [`app:${index}`],
      digests: [`app@sha256:${'d'.repeat(63)}${index}`],
      predictedAction: index === 0 ? 'untag' : 'delete',
      predictedBytes: 100,
    })),
  }
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ['-e', ''])
  if (pid === undefined) throw new Error('could not start node')
  return pid
}

function setOwnerPid(path: string, runId: string, pid: number): void {
  const db = new Database(path)
  db.prepare('UPDATE runs SET owner_pid = ? WHERE id = ?').run(pid, runId)
  db.close()
}

describe('RunJournal', () => {
  it("stores a tagged image's name once, in its tags, and reads every name back as written", () => {
    const { journal, db } = openJournal()
    const items: StartRunInput['items'] = [
      { ...plan(1).items[0]!, name: 'app:0' },
      { ...plan(1).items[0]!, name: 'other:1' },
      { ...plan(1).items[0]!, name: '<none> 0123456789ab', tags: [] },
      { ...plan(1).items[0]!, kind: 'container', name: 'app:0', tags: ['app:0'] },
    ]
    const id = journal.startRun({ ...plan(), items })
    const stored = db.prepare('SELECT name FROM run_items ORDER BY seq').pluck().all()
    expect(stored).toEqual(['', 'other:1', '<none> 0123456789ab', 'app:0'])
    expect(journal.getRun(id)!.items.map((item) => item.name)).toEqual(
      items.map((item) => item.name),
    )
  })

  it('records a run and its items, and reads them back', () => {
    const { journal, path } = openJournal()
    const id = journal.startRun(plan()) // 10:00:00
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    journal.recordItem(id, 0, { outcome: 'untagged', reclaimedBytes: 0 }) // 10:00:01
    journal.recordItem(id, 1, { outcome: 'deleted', reclaimedBytes: 120 }) // 10:00:02
    journal.recordItem(id, 2, { outcome: 'failed', reclaimedBytes: 0, error: 'conflict' }) // 10:00:03
    journal.finishRun(id, { status: 'partial', reclaimedBytes: 120, error: '1 item failed' }) // 10:00:04

    const summary = {
      id,
      startedAt: '2025-03-01T10:00:00.000Z',
      finishedAt: '2025-03-01T10:00:04.000Z',
      trigger: 'manual',
      mode: 'safe',
      selection: { unused: true, protect: ['postgres:*'] },
      engineHost: 'unix:///var/run/docker.sock',
      engineId: 'ENGINE-1',
      status: 'partial',
      predictedBytes: 300,
      reclaimedBytes: 120,
      itemCount: 3,
      error: '1 item failed',
    }
    expect(journal.listRuns()).toEqual([summary])
    const detail = journal.getRun(id)
    expect(detail).toEqual({
      ...summary,
      items: [
        {
          seq: 0,
          kind: 'image' as const,
          name: 'app:0',
          id: `sha256:${'0'.repeat(64)}`,
          tags: ['app:0'],
          digests: [`app@sha256:${'d'.repeat(63)}0`],
          predictedAction: 'untag',
          predictedBytes: 100,
          outcome: 'untagged',
          reclaimedBytes: 0,
          error: null,
          finishedAt: '2025-03-01T10:00:01.000Z',
        },
        expect.objectContaining({ seq: 1, outcome: 'deleted', reclaimedBytes: 120, error: null }),
        expect.objectContaining({
          seq: 2,
          outcome: 'failed',
          reclaimedBytes: 0,
          error: 'conflict',
        }),
      ],
    })
    expect(journal.getRun('no-such-run')).toBeNull()

    // Another process (the CLI's `history`) reads the same from the file.
    const other = openDatabase(path)
    expect(new RunJournal(other.db).getRun(id)).toEqual(detail)
    other.close()
  })

  it('commits the plan before anything is deleted, and each outcome as it happens', () => {
    const { journal, path } = openJournal()
    const reader = new Database(path, { readonly: true })
    onTestFinished(() => {
      reader.close()
    })
    const outcomes = () =>
      reader.prepare('SELECT outcome FROM run_items ORDER BY seq').all() as {
        outcome: string | null
      }[]

    const id = journal.startRun(plan(2))
    expect(reader.prepare('SELECT status FROM runs WHERE id = ?').get(id)).toEqual({
      status: 'running',
    })
    expect(outcomes()).toEqual([{ outcome: null }, { outcome: null }])
    journal.recordItem(id, 1, { outcome: 'deleted', reclaimedBytes: 100 })
    expect(outcomes()).toEqual([{ outcome: null }, { outcome: 'deleted' }])
    expect(journal.getRun(id)?.status).toBe('running')
  })

  it('refuses to record an item twice, an unknown item, or to finish a run twice', () => {
    const { journal } = openJournal()
    const id = journal.startRun(plan(1))
    journal.recordItem(id, 0, { outcome: 'deleted', reclaimedBytes: 100 })
    expect(() => journal.recordItem(id, 0, { outcome: 'deleted', reclaimedBytes: 100 })).toThrow(
      `Run ${id} has no item 0 waiting for an outcome.`,
    )
    expect(() => journal.recordItem(id, 7, { outcome: 'skipped', reclaimedBytes: 0 })).toThrow(
      /no item 7/,
    )
    journal.finishRun(id, { status: 'done', reclaimedBytes: 100 })
    expect(() => journal.finishRun(id, { status: 'done', reclaimedBytes: 100 })).toThrow(
      /is not a running run/,
    )
  })

  it('refuses byte counts that are not whole non-negative numbers', () => {
    const { journal } = openJournal()
    expect(() => journal.startRun({ ...plan(1), predictedBytes: 1.5 })).toThrow()
    expect(() => journal.startRun({ ...plan(1), predictedBytes: -1 })).toThrow(/CHECK constraint/)
    expect(journal.listRuns()).toEqual([])
  })

  it('lists runs newest first, a page at a time', () => {
    const { journal } = openJournal()
    const ids = Array.from({ length: 5 }, () => journal.startRun(plan(1)))
    const first = journal.listRuns({ limit: 2 })
    expect(first.map((run) => run.id)).toEqual([ids[4], ids[3]])
    const second = journal.listRuns({ limit: 2, beforeStartedAt: first[1]?.startedAt })
    expect(second.map((run) => run.id)).toEqual([ids[2], ids[1]])
    const last = journal.listRuns({ limit: 2, beforeStartedAt: second[1]?.startedAt })
    expect(last.map((run) => run.id)).toEqual([ids[0]])
  })

  it('at start-up marks a run whose process died as interrupted, keeping its completed items', () => {
    const path = join(tempDir(), 'drydock.sqlite')
    const crashed = openJournal(path)
    const id = crashed.journal.startRun(plan(4))
    crashed.journal.recordItem(id, 0, { outcome: 'untagged', reclaimedBytes: 0 })
    crashed.journal.recordItem(id, 1, { outcome: 'deleted', reclaimedBytes: 150 })
    crashed.close()
    // As if a process that has since been killed had written it.
    setOwnerPid(path, id, deadPid())

    const { journal } = openJournal(path)
    expect(journal.markInterrupted()).toBe(1)
    expect(journal.markInterrupted()).toBe(0)
    const run = journal.getRun(id)
    expect(run).toMatchObject({ status: 'interrupted', finishedAt: null, reclaimedBytes: 150 })
    expect(run?.error).toMatch(/stopped before this run finished/)
    expect(run?.items.map((item) => [item.seq, item.outcome, item.reclaimedBytes])).toEqual([
      [0, 'untagged', 0],
      [1, 'deleted', 150],
      [2, null, null],
      [3, null, null],
    ])
  })

  it('leaves alone a run that another live process or this process is still writing', async () => {
    const path = join(tempDir(), 'drydock.sqlite')
    const { journal } = openJournal(path)
    const ours = journal.startRun(plan(1))
    const theirs = journal.startRun(plan(1))
    const writer = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], {
      stdio: 'ignore',
    })
    const exited = new Promise((resolve) => writer.once('exit', resolve))
    onTestFinished(async () => {
      if (writer.exitCode === null && writer.signalCode === null) writer.kill()
      await exited
    })
    setOwnerPid(path, theirs, writer.pid ?? deadPid())

    expect(journal.markInterrupted()).toBe(0)
    writer.kill('SIGKILL')
    await exited
    expect(journal.markInterrupted()).toBe(1)
    expect(journal.getRun(theirs)?.status).toBe('interrupted')
    expect(journal.getRun(ours)?.status).toBe('running')
  })

  it('reports a full disk as an unusable log and keeps no half-written run', () => {
    const { journal, db, path } = openJournal()
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`)
    const big = plan(200)
    let error: unknown
    try {
      journal.startRun(big)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(StoreError)
    expect(error).toMatchObject({
      code: 'unusable',
      message: `Cannot use the Drydock log at ${path}: the disk is full.`,
    })
    expect(journal.listRuns()).toEqual([])
  })
})
