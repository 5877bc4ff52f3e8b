import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it, onTestFinished } from 'vitest'
import { AlertLog } from '../../src/core/store/alert-log'
import { AutomationLog } from '../../src/core/store/automation-log'
import { openDatabase, type OpenedDatabase } from '../../src/core/store/database'
import { DiskVerdictStore } from '../../src/core/store/disk-verdict-store'
import { StoreError } from '../../src/core/store/errors'
import { ImageLayerCache } from '../../src/core/store/image-layer-cache'
import { RunJournal } from '../../src/core/store/journal'
import { LastUsedStore } from '../../src/core/store/last-used-store'
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../src/core/store/migrations'
import { SettingsStore } from '../../src/core/store/settings-store'
import { UsageStore } from '../../src/core/store/usage-store'
import { DEFAULT_SETTINGS } from '../../src/shared/settings'
import { tempDir } from '../support/temp-dir'

const HOST = 'unix:///var/run/docker.sock'
const IMAGE_A = `sha256:${'a'.repeat(64)}`
const IMAGE_B = `sha256:${'b'.repeat(64)}`
const SAMPLE_AT = Date.parse('2025-02-01T12:00:00.000Z')

/**
 * Rows a Drydock at each schema version wrote, in that version's own SQL (not today's stores,
 * whose statements may use later columns), and how today's code must read them back after the
 * upgrade. A new migration needs an entry here: the test below refuses to run without one.
 */
const GENERATIONS: Record<
  number,
  { seed(db: Database.Database): void; check(opened: OpenedDatabase): void }
> = {
  1: {
    seed(db) {
      db.prepare(
        `INSERT INTO runs (id, started_at, finished_at, trigger, mode, selection_json,
           engine_host, engine_id, status, predicted_bytes, reclaimed_bytes, item_count, error,
           owner_pid, owner_host)
         VALUES ('run-v1', '2025-01-10T09:00:00.000Z', '2025-01-10T09:00:05.000Z', 'cli', 'safe',
           '{"unused":true}', ?, 'ENGINE-1', 'partial', 300, 120, 2, '1 item failed', NULL, NULL)`,
      ).run(HOST)
      const item = db.prepare(
        `INSERT INTO run_items (run_id, seq, image_id, tags_json, digests_json, predicted_action,
           predicted_bytes, outcome, reclaimed_bytes, error, started_at, finished_at)
         VALUES ('run-v1', ?, ?, ?, ?, 'delete', ?, ?, ?, ?, ?, ?)`,
      )
      item.run(
        0,
        IMAGE_A,
        '["app:1"]',
        `["app@sha256:${'d'.repeat(64)}"]`,
        120,
        'deleted',
        120,
        null,
        '2025-01-10T09:00:01.000Z',
        '2025-01-10T09:00:02.000Z',
      )
      item.run(
        1,
        IMAGE_B,
        '[]',
        '[]',
        180,
        'failed',
        0,
        'conflict',
        null,
        '2025-01-10T09:00:04.000Z',
      )
      db.prepare(
        `INSERT INTO image_layers (image_id, layers_json, fetched_at)
         VALUES (?, '[{"diffId":"sha256:d1","chainId":"sha256:c1","size":42}]', '2025-01-10T08:59:00.000Z')`,
      ).run(IMAGE_A)
    },
    check({ db }) {
      const journal = new RunJournal(db)
      expect(journal.listRuns().map((run) => run.id)).toContain('run-v1')
      expect(journal.getRun('run-v1')).toMatchObject({
        startedAt: '2025-01-10T09:00:00.000Z',
        trigger: 'cli',
        selection: { unused: true },
        status: 'partial',
        reclaimedBytes: 120,
        itemCount: 2,
        items: [
          {
            seq: 0,
            kind: 'image',
            id: IMAGE_A,
            name: 'app:1',
            tags: ['app:1'],
            digests: [`app@sha256:${'d'.repeat(64)}`],
            outcome: 'deleted',
            reclaimedBytes: 120,
          },
          { seq: 1, kind: 'image', id: IMAGE_B, name: '', outcome: 'failed', error: 'conflict' },
        ],
      })
      // The filters added later work on runs recorded before them.
      expect(journal.listRuns({ triggers: ['cli'], statuses: ['partial'] })).toHaveLength(1)
      // Layer rows from before build steps were kept are misses: the engine is asked again.
      expect(new ImageLayerCache(db).getMany([IMAGE_A]).has(IMAGE_A)).toBe(false)
    },
  },
  2: {
    seed(db) {
      db.prepare(`INSERT INTO usage_samples VALUES (?, ?, 1000, 200, 300, 400, 5000, 10000)`).run(
        HOST,
        SAMPLE_AT,
      )
      db.prepare(
        `INSERT INTO usage_rollups VALUES (?, 'hour', ?, 1, 1000, 200, 300, 400, 5000, 10000),
                                          (?, 'day', ?, 1, 1000, 200, 300, 400, 5000, 10000)`,
      ).run(HOST, SAMPLE_AT, HOST, SAMPLE_AT - (SAMPLE_AT % 86_400_000))
      db.prepare(`INSERT INTO image_last_used VALUES (?, ?, ?, 'container start')`).run(
        HOST,
        IMAGE_A,
        SAMPLE_AT,
      )
      db.prepare('INSERT INTO event_cursors VALUES (?, ?)').run(HOST, SAMPLE_AT + 1)
      db.prepare(`INSERT INTO settings VALUES ('settings', ?)`).run(
        JSON.stringify({ ...DEFAULT_SETTINGS, samplingIntervalMinutes: 30 }),
      )
      db.prepare(
        `INSERT INTO alerts VALUES ('alert-1', ?, 'free-space', 'warning', 'Disk almost full',
           '2025-02-01T12:00:00.000Z', NULL, 5000, 10000, 1900, NULL, 'settings')`,
      ).run(HOST)
    },
    check({ db }) {
      const now = new Date(SAMPLE_AT + 60_000)
      const series = new UsageStore(db).series({
        host: HOST,
        from: new Date(SAMPLE_AT - 3_600_000),
        to: now,
        maxPoints: 500,
        now,
      })
      expect(series.points).toEqual([
        {
          at: new Date(SAMPLE_AT).toISOString(),
          imagesBytes: 1000,
          containersBytes: 200,
          volumesBytes: 300,
          buildCacheBytes: 400,
          freeBytes: 5000,
          totalBytes: 10000,
        },
      ])
      const lastUsed = new LastUsedStore(db)
      expect(lastUsed.uses(HOST).get(IMAGE_A)).toEqual({
        imageId: IMAGE_A,
        at: SAMPLE_AT,
        event: 'container start',
      })
      expect(lastUsed.cursor(HOST)).toBe(SAMPLE_AT + 1)
      expect(new SettingsStore(db).get().samplingIntervalMinutes).toBe(30)
      expect(new AlertLog(db).active(HOST).map((alert) => alert.id)).toEqual(['alert-1'])
    },
  },
  3: {
    seed(db) {
      db.prepare(
        `INSERT INTO runs (id, started_at, finished_at, trigger, mode, selection_json,
           engine_host, engine_id, status, predicted_bytes, reclaimed_bytes, item_count, error,
           owner_pid, owner_host)
         VALUES ('run-v3', '2025-03-01T09:00:00.000Z', '2025-03-01T09:00:05.000Z', 'cli', 'safe',
           '{"system":true}', ?, NULL, 'done', 30, 30, 3, NULL, NULL, NULL)`,
      ).run(HOST)
      const item = db.prepare(
        `INSERT INTO run_items (run_id, seq, kind, item_id, name, tags_json, digests_json,
           predicted_action, predicted_bytes, outcome, reclaimed_bytes)
         VALUES ('run-v3', ?, ?, ?, ?, '[]', '[]', 'delete', 10, 'deleted', 10)`,
      )
      item.run(0, 'container', 'c'.repeat(64), 'web-old')
      item.run(1, 'volume', 'pgdata', 'pgdata')
      item.run(2, 'build-cache', 'rec1', 'mount / from exec /bin/sh -c make')
    },
    check({ db }) {
      expect(new RunJournal(db).getRun('run-v3')?.items).toMatchObject([
        { kind: 'container', id: 'c'.repeat(64), name: 'web-old', outcome: 'deleted' },
        { kind: 'volume', id: 'pgdata', name: 'pgdata' },
        { kind: 'build-cache', id: 'rec1', name: 'mount / from exec /bin/sh -c make' },
      ])
    },
  },
  4: {
    seed(db) {
      db.prepare(`UPDATE event_cursors SET watermark_json = ? WHERE host = ?`).run(
        JSON.stringify({ timeNano: 5, type: 'container', action: 'die', id: 'c1' }),
        HOST,
      )
    },
    check({ db }) {
      expect(new LastUsedStore(db).watermark(HOST)).toEqual({
        timeNano: 5,
        type: 'container',
        action: 'die',
        id: 'c1',
      })
    },
  },
  5: {
    seed(db) {
      db.prepare(
        `INSERT INTO automatic_runs VALUES ('auto-1', '2025-04-01T03:30:00.000Z', 'schedule',
           'skipped', 'the engine could not be reached', NULL, ?)`,
      ).run(HOST)
    },
    check({ db }) {
      expect(new AutomationLog(db).list()).toEqual([
        expect.objectContaining({
          id: 'auto-1',
          outcome: 'skipped',
          runId: null,
          engineHost: HOST,
        }),
      ])
    },
  },
  6: {
    seed(db) {
      db.prepare(`INSERT INTO disk_verdicts VALUES ('engine-key', ?)`).run(new Date().toISOString())
    },
    check({ db }) {
      const verdicts = new DiskVerdictStore(db)
      expect(verdicts.confirmed('engine-key', 60 * 60_000)).toBe(true)
      expect(verdicts.confirmed('another-key', 60 * 60_000)).toBe(false)
    },
  },
}

/** A database at exactly `version`, as that Drydock left it: WAL, each migration committed. */
function databaseAt(path: string, version: number, extra: string[] = []): void {
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  // Each generation's rows are written right after its migration, in its own SQL, as that
  // Drydock did; the later migrations then carry them forward.
  for (const migration of MIGRATIONS.slice(0, version)) {
    db.transaction(() => {
      db.exec(migration.sql)
      db.pragma(`user_version = ${migration.version}`)
    })()
    GENERATIONS[migration.version]!.seed(db)
  }
  for (const sql of extra) db.exec(sql)
  db.close()
}

function open(path: string): OpenedDatabase {
  const opened = openDatabase(path)
  onTestFinished(() => opened.close())
  return opened
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex')

describe('schema migrations', () => {
  it('has rows to seed and checks to run for every migration', () => {
    expect(MIGRATIONS.map((migration) => migration.version)).toEqual(
      Object.keys(GENERATIONS).map(Number),
    )
  })

  it('upgrades a database from every earlier version, keeping its rows', () => {
    for (let version = 0; version < LATEST_SCHEMA_VERSION; version++) {
      const path = join(tempDir(), `drydock-v${version}.sqlite`)
      databaseAt(path, version)

      const opened = open(path)
      expect(opened.recoveredFrom, `from v${version}`).toBeNull()
      expect(opened.db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
      for (let older = 1; older <= version; older++) GENERATIONS[older]!.check(opened)

      // The newest tables work on an upgraded file.
      const usage = new UsageStore(opened.db)
      const at = new Date('2025-06-01T00:00:00.000Z')
      usage.record({
        host: 'tcp://remote:2376',
        at,
        imagesBytes: 7,
        containersBytes: 8,
        volumesBytes: 9,
        buildCacheBytes: 10,
        freeBytes: null,
        totalBytes: null,
      })
      expect(
        usage.series({ host: 'tcp://remote:2376', from: at, to: at, maxPoints: 10, now: at })
          .points,
      ).toHaveLength(1)
      const settings = new SettingsStore(opened.db)
      settings.update({ protectedPatterns: ['postgres:*'] })
      expect(settings.get().protectedPatterns).toEqual(['postgres:*'])
      opened.close()

      // And the upgrade happened once: reopening changes nothing.
      const again = open(path)
      expect(again.db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
      expect(new SettingsStore(again.db).get().protectedPatterns).toEqual(['postgres:*'])
    }
  })

  it('refuses a database from a newer Drydock with a clear error, leaving the file untouched', () => {
    const dir = tempDir()
    const path = join(dir, 'drydock.sqlite')
    const future = LATEST_SCHEMA_VERSION + 1
    databaseAt(path, LATEST_SCHEMA_VERSION, [
      'CREATE TABLE from_the_future (id INTEGER PRIMARY KEY, note TEXT NOT NULL)',
      "INSERT INTO from_the_future (note) VALUES ('written by a newer Drydock')",
      `PRAGMA user_version = ${future}`,
    ])
    const before = sha256(path)

    let error: unknown
    try {
      openDatabase(path).close()
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(StoreError)
    expect(error).toMatchObject({ code: 'future-version', path })
    const message = (error as StoreError).message
    expect(message).toContain(path)
    expect(message).toContain(`schema version ${future}`)
    expect(message).toContain(`knows up to ${LATEST_SCHEMA_VERSION}`)
    expect(message).toMatch(/Update Drydock/)

    expect(sha256(path)).toBe(before)
    expect(existsSync(`${path}-wal`)).toBe(false)
    // Not mistaken for a damaged file: nothing was moved aside.
    expect(readdirSync(dir)).toEqual(['drydock.sqlite'])
    const db = new Database(path, { readonly: true })
    expect(db.pragma('user_version', { simple: true })).toBe(future)
    expect(db.prepare('SELECT note FROM from_the_future').pluck().get()).toBe(
      'written by a newer Drydock',
    )
    db.close()
  })
})
