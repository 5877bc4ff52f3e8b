/**
 * `drydock clean` killed with SIGKILL mid-run: the next start shows the run interrupted, and once
 * Drydock has seen the engine again, the log's outcomes match exactly what the engine removed.
 */
import { execFile, spawn } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import type { RunDetail } from '../../src/shared/history'
import { loadImages } from '../support/image-archive'
import {
  cleanupAllTestObjects,
  createTestRun,
  requireTestEngine,
  testRef,
} from '../support/test-engine'
import { suiteTempDirOnStart } from '../support/temp-dir'

const engine = await requireTestEngine()
const bin = join(__dirname, '../../bin/drydock.js')
const IMAGES = 150

function recordedItems(db: string): number {
  try {
    const reader = new Database(db, { readonly: true, fileMustExist: true })
    try {
      const row = reader
        .prepare('SELECT count(*) AS n FROM run_items WHERE outcome IS NOT NULL')
        .get() as { n: number }
      return row.n
    } finally {
      reader.close()
    }
  } catch {
    return 0 // not created yet, or busy: ask again
  }
}

describe.skipIf(engine.skip)('a cleanup killed mid-run', () => {
  const run = createTestRun('crash')
  const logDir = suiteTempDirOnStart('drydock-crash-')

  afterAll(async () => {
    await cleanupAllTestObjects(engine.docker)
  })

  it('is shown interrupted, and its items match what the engine removed', async () => {
    const db = join(logDir(), 'log.sqlite')
    await cleanupAllTestObjects(engine.docker)
    await loadImages(
      engine.docker,
      Array.from({ length: IMAGES }, (_, index) => ({
        tags: [testRef(`crash-${index}`, '1')],
        created: '2024-01-01T00:00:00Z',
        layers: [{ files: { [`/data/${index}`]: { size: 20_000, seed: index } } }],
      })),
      run,
    )

    const child = spawn(
      process.execPath,
      [bin, '--host', engine.host, '--db', db, 'clean', '--unused', '--yes', '--json'],
      {
        stdio: 'ignore',
      },
    )
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    )
    const deadline = Date.now() + 60_000
    while (recordedItems(db) < 10 && Date.now() < deadline && child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    child.kill('SIGKILL')
    expect(await exited).toBeNull() // killed, not finished

    const history = async (host: string): Promise<RunDetail[]> => {
      const { stdout } = await promisify(execFile)(process.execPath, [
        bin,
        '--host',
        host,
        '--db',
        db,
        '--json',
        'history',
      ])
      return JSON.parse(stdout) as RunDetail[]
    }
    // With no engine reachable, the run reads as interrupted with what it recorded.
    const [offline] = await history('unix:///nonexistent/drydock.sock')
    expect(offline?.status).toBe('interrupted')
    expect(offline!.items.filter((item) => item.outcome !== null).length).toBeGreaterThanOrEqual(10)
    expect(offline!.items.filter((item) => item.outcome === null).length).toBeGreaterThan(0)

    // Seeing the engine again settles what the killed process had in flight.
    await promisify(execFile)(process.execPath, [
      bin,
      '--host',
      engine.host,
      '--db',
      db,
      'plan',
      '--dangling',
      '--json',
    ])
    const [settled] = await history(engine.host)
    const present = new Set(
      (await engine.docker.listImages({ all: true })).map((image) => image.Id),
    )
    for (const item of settled!.items) {
      expect(item.outcome === 'deleted', `${item.tags.join()} outcome ${item.outcome}`).toBe(
        !present.has(item.id),
      )
    }
    expect(settled!.reclaimedBytes).toBe(
      settled!.items.reduce((sum, item) => sum + (item.reclaimedBytes ?? 0), 0),
    )
  })
})
