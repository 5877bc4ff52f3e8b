import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/program'
import { openDatabase, RunJournal } from '../../src/core/store'
import { recordingIo } from '../support/cli-io'
import { tempDir } from '../support/temp-dir'

/** A log with one finished run, written through the real journal into a real SQLite file. */
function logWithOneRun(): { db: string; runId: string } {
  const db = join(tempDir('drydock-history-'), 'log.sqlite')
  const opened = openDatabase(db)
  const journal = new RunJournal(opened.db)
  const runId = journal.startRun({
    trigger: 'cli',
    mode: 'safe',
    selection: { unused: true },
    engineHost: 'unix:///var/run/docker.sock',
    predictedBytes: 3000,
    items: [
      {
        kind: 'image' as const,
        name: '',
        id: 'sha256:aaa',
        tags: ['web:1'],
        digests: [`web@sha256:${'b'.repeat(64)}`],
        predictedAction: 'delete',
        predictedBytes: 2000,
      },
      {
        kind: 'image' as const,
        name: '',
        id: 'sha256:ccc',
        tags: ['say "hi", twice:1'],
        digests: [],
        predictedAction: 'delete',
        predictedBytes: 1000,
      },
    ],
  })
  journal.recordItem(runId, 0, { outcome: 'deleted', reclaimedBytes: 2000 })
  journal.recordItem(runId, 1, { outcome: 'failed', reclaimedBytes: 0, error: 'conflict: in use' })
  journal.finishRun(runId, { status: 'partial', reclaimedBytes: 2000 })
  opened.close()
  return { db, runId }
}

// The engine named here does not exist: history must not need one.
const noEngine = ['--host', 'unix:///nonexistent/drydock.sock']

describe('drydock history (no engine reachable)', () => {
  it('lists runs newest first with their items as JSON', async () => {
    const { db, runId } = logWithOneRun()
    const io = recordingIo()
    expect(await runCli([...noEngine, '--db', db, '--json', 'history'], io)).toBe(0)
    const runs = JSON.parse(io.out()) as {
      id: string
      status: string
      items: { outcome: string }[]
    }[]
    expect(runs).toHaveLength(1)
    expect(runs[0]).toMatchObject({ id: runId, status: 'partial' })
    expect(runs[0]!.items.map((item) => item.outcome)).toEqual(['deleted', 'failed'])
  })

  it('exports one CSV line per item, quoting what needs it', async () => {
    const { db, runId } = logWithOneRun()
    const io = recordingIo()
    expect(await runCli([...noEngine, '--db', db, 'history', '--format', 'csv'], io)).toBe(0)
    const lines = io.out().trimEnd().split('\r\n')
    expect(lines[0]).toMatch(/^run_id,started_at,/)
    expect(lines).toHaveLength(3)
    expect(lines[2]).toContain(`${runId},`)
    expect(lines[2]).toContain('"say ""hi"", twice:1"')
  })

  it('shows a run item by item with the command that restores a pulled image', async () => {
    const { db, runId } = logWithOneRun()
    const io = recordingIo()
    expect(await runCli([...noEngine, '--db', db, 'history', '--run', runId], io)).toBe(0)
    expect(io.out()).toContain(`docker pull web@sha256:${'b'.repeat(64)}`)
    expect(io.out()).toMatch(/conflict: in use/)
  })

  it('refuses an unknown format and an unknown run', async () => {
    const { db } = logWithOneRun()
    expect(
      await runCli([...noEngine, '--db', db, 'history', '--format', 'xml'], recordingIo()),
    ).toBe(2)
    const io = recordingIo()
    expect(await runCli([...noEngine, '--db', db, 'history', '--run', 'nope'], io)).toBe(2)
    expect(io.err()).toMatch(/No run nope/)
  })

  it('exits 4 when the log cannot be opened', async () => {
    const io = recordingIo()
    const blocked = join(tempDir('drydock-history-'), 'file')
    writeFileSync(blocked, 'not a directory')
    expect(await runCli([...noEngine, '--db', join(blocked, 'log.sqlite'), 'history'], io)).toBe(4)
    expect(io.err()).toMatch(/^drydock: Cannot use the Drydock log at /)
  })

  it('tells the user once when a corrupt log was moved aside, and goes on with a fresh one', async () => {
    const dir = tempDir('drydock-history-')
    const db = join(dir, 'log.sqlite')
    writeFileSync(
      db,
      'this is not a database, just text long enough to look like a file'.repeat(20),
    )
    const first = recordingIo()
    expect(await runCli([...noEngine, '--db', db, '--json', 'history'], first)).toBe(0)
    expect(JSON.parse(first.out())).toEqual([])
    expect(first.err()).toMatch(
      /^drydock: the log at .*log\.sqlite was not a readable database; it was moved to .*log\.sqlite\.corrupt-.* and a new log was started\.\n$/,
    )
    expect(readdirSync(dir).filter((name) => name.includes('.corrupt-'))).toHaveLength(1)
    const second = recordingIo()
    expect(await runCli([...noEngine, '--db', db, 'history'], second)).toBe(0)
    expect(second.err()).toBe('')
  })
})
