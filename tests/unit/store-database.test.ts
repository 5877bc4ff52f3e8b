import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it, onTestFinished } from 'vitest'
import {
  defaultDatabasePath,
  openDatabase,
  type OpenedDatabase,
} from '../../src/core/store/database'
import { StoreError } from '../../src/core/store/errors'
import { RunJournal } from '../../src/core/store/journal'
import { migrate } from '../../src/core/store/migrate'
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../src/core/store/migrations'
import { tempDir } from '../support/temp-dir'

function open(path: string, options?: Parameters<typeof openDatabase>[1]): OpenedDatabase {
  const opened = openDatabase(path, options)
  onTestFinished(() => opened.close())
  return opened
}

function storeError(work: () => unknown): StoreError {
  try {
    work()
  } catch (error) {
    if (error instanceof StoreError) return error
    throw error
  }
  throw new Error('expected a StoreError')
}

function tables(db: Database.Database): string[] {
  return db
    .prepare<[], { name: string }>(
      `SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`,
    )
    .all()
    .map((row) => row.name)
}

const run = {
  trigger: 'cli',
  mode: 'safe',
  selection: { dangling: true },
  engineHost: 'unix:///var/run/docker.sock',
  predictedBytes: 10,
  items: [
    {
      kind: 'image' as const,
      name: '',
      id: 'sha256:a',
      tags: [],
      digests: [],
      predictedAction: 'delete',
      predictedBytes: 10,
    },
  ],
} as const satisfies Parameters<RunJournal['startRun']>[0]

/** Another process that takes the write lock, says so, and releases it after `holdMs`. */
async function lockFromAnotherProcess(
  path: string,
  holdMs: number,
): Promise<{ released: Promise<void> }> {
  const sqlite = createRequire(import.meta.url).resolve('better-sqlite3')
  const script = `
    const Database = require(process.argv[1])
    const db = new Database(process.argv[2])
    db.exec('BEGIN IMMEDIATE')
    process.stdout.write('locked\\n')
    setTimeout(() => { db.exec('COMMIT'); db.close() }, Number(process.argv[3]))`
  const child = spawn(process.execPath, ['-e', script, sqlite, path, String(holdMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  onTestFinished(async () => {
    if (child.exitCode === null) child.kill()
    await exited
  })
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve())
    child.once('exit', (code) => reject(new Error(`lock holder exited with ${code}`)))
  })
  // An object, not the bare promise: an async function would wait for a returned promise.
  return { released: exited }
}

describe('openDatabase', () => {
  it('creates the directory and migrates an empty file to the newest schema', () => {
    const path = join(tempDir(), 'nested', 'dir', 'drydock.sqlite')
    const { db, recoveredFrom, path: openedPath } = open(path)
    expect(openedPath).toBe(path)
    expect(recoveredFrom).toBeNull()
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
    expect(tables(db)).toEqual([
      'alerts',
      'automatic_runs',
      'disk_verdicts',
      'event_cursors',
      'image_last_used',
      'image_layers',
      'run_items',
      'runs',
      'settings',
      'usage_rollups',
      'usage_samples',
    ])
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000)
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('synchronous', { simple: true })).toBe(1) // NORMAL
  })

  it('reopens an up-to-date file without changing it', () => {
    const path = join(tempDir(), 'drydock.sqlite')
    const first = openDatabase(path)
    const id = new RunJournal(first.db).startRun(run)
    first.close()
    const { db } = open(path, { busyTimeoutMs: 250 })
    expect(db.pragma('busy_timeout', { simple: true })).toBe(250)
    expect(new RunJournal(db).getRun(id)?.items).toHaveLength(1)
  })

  it('supports an in-memory database for tests', () => {
    expect(open(':memory:').db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
  })

  it('upgrades from every earlier version, one transaction per migration', () => {
    const path = join(tempDir(), 'drydock.sqlite')
    for (let version = 0; version < LATEST_SCHEMA_VERSION; version++) {
      const db = new Database(path.replace('.sqlite', `-${version}.sqlite`))
      migrate(db, 'test', MIGRATIONS.slice(0, version))
      expect(db.pragma('user_version', { simple: true })).toBe(version)
      expect(migrate(db, 'test')).toBe(LATEST_SCHEMA_VERSION)
      db.close()
    }
    // A failing migration leaves the database at the version before it, with nothing half-done.
    const db = new Database(path)
    onTestFinished(() => {
      db.close()
    })
    const broken = [
      ...MIGRATIONS,
      {
        version: MIGRATIONS.length + 1,
        description: 'broken',
        sql: 'CREATE TABLE half (a); SELECT nope FROM nowhere;',
      },
    ]
    expect(() => migrate(db, 'test', broken)).toThrow(/no such table: nowhere/)
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
    expect(tables(db)).not.toContain('half')
  })

  it('refuses a database from a newer Drydock and leaves it alone', () => {
    const path = join(tempDir(), 'drydock.sqlite')
    const future = new Database(path)
    future.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`)
    future.close()
    const error = storeError(() => openDatabase(path))
    expect(error.code).toBe('future-version')
    expect(error.message).toContain(path)
    expect(error.message).toContain(`schema version ${LATEST_SCHEMA_VERSION + 1}`)
    const after = new Database(path)
    expect(after.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION + 1)
    after.close()
  })

  it('moves a file that is not a database aside, with its -wal, and starts a fresh one', () => {
    const dir = tempDir()
    const path = join(dir, 'drydock.sqlite')
    const garbage = Buffer.from('this is not a database\n'.repeat(400))
    writeFileSync(path, garbage)
    writeFileSync(`${path}-wal`, 'stale wal')
    const now = () => new Date('2024-05-06T07:08:09.010Z')

    const { db, recoveredFrom } = open(path, { now })
    const moved = join(dir, 'drydock.sqlite.corrupt-2024-05-06T07-08-09-010Z')
    expect(recoveredFrom).toBe(moved)
    expect(readFileSync(moved)).toEqual(garbage)
    expect(readFileSync(`${moved}-wal`, 'utf8')).toBe('stale wal')
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
    expect(new RunJournal(db).listRuns()).toEqual([])
  })

  it('also recovers from a file whose header is valid but whose schema is damaged', () => {
    const dir = tempDir()
    const path = join(dir, 'drydock.sqlite')
    openDatabase(path).close()
    const bytes = readFileSync(path)
    bytes.fill(0x5a, 100, 4096) // page 1 after the header: the schema table
    writeFileSync(path, bytes)
    const { recoveredFrom } = open(path, { now: () => new Date('2024-01-01T00:00:00Z') })
    expect(recoveredFrom).toBe(`${path}.corrupt-2024-01-01T00-00-00-000Z`)
    expect(existsSync(`${path}.corrupt-2024-01-01T00-00-00-000Z`)).toBe(true)
  })

  it('gives up with a "locked" error when another connection keeps the write lock', () => {
    const path = join(tempDir(), 'drydock.sqlite')
    const holder = new Database(path)
    onTestFinished(() => {
      holder.close()
    })
    holder.exec('BEGIN IMMEDIATE')

    const started = Date.now()
    const error = storeError(() => openDatabase(path, { busyTimeoutMs: 200 }))
    const waited = Date.now() - started
    expect(error.code).toBe('locked')
    expect(error.message).toBe(
      `The Drydock log at ${path} is locked by another process (another Drydock window or ` +
        `drydock command) and stayed locked for more than 200 ms; try again when it has finished.`,
    )
    expect(waited).toBeGreaterThanOrEqual(180)
    expect(waited).toBeLessThan(2000)
    holder.exec('COMMIT')
  })

  it('opens a shared log while another process writes, and a write then reports "locked"', () => {
    const path = join(tempDir(), 'drydock.sqlite')
    openDatabase(path).close()
    const holder = new Database(path)
    onTestFinished(() => {
      holder.close()
    })
    holder.exec('BEGIN IMMEDIATE')

    const { db } = open(path, { busyTimeoutMs: 200 }) // reading needs no lock in WAL mode
    const journal = new RunJournal(db)
    expect(journal.listRuns()).toEqual([])
    const started = Date.now()
    expect(storeError(() => journal.startRun(run)).code).toBe('locked')
    expect(Date.now() - started).toBeGreaterThanOrEqual(180)

    holder.exec('COMMIT')
    expect(journal.getRun(journal.startRun(run))?.status).toBe('running')
  })

  it('waits within the busy timeout for another process, when opening and when writing', async () => {
    const path = join(tempDir(), 'drydock.sqlite')
    // A brand-new file: switching it to WAL needs the lock the other process holds.
    let { released } = await lockFromAnotherProcess(path, 300)
    let started = Date.now()
    const { db } = open(path, { busyTimeoutMs: 5000 })
    const openWait = Date.now() - started
    expect(openWait).toBeGreaterThanOrEqual(250)
    await released

    ;({ released } = await lockFromAnotherProcess(path, 300))
    started = Date.now()
    const journal = new RunJournal(db)
    const id = journal.startRun(run)
    const writeWait = Date.now() - started
    expect(writeWait).toBeGreaterThanOrEqual(250)
    expect(journal.getRun(id)?.itemCount).toBe(1)
    await released
    console.log(`waited for another process's lock: open ${openWait} ms, write ${writeWait} ms`)
  })

  it('reports an unusable location, naming the path and the cause', () => {
    const dir = tempDir()
    const file = join(dir, 'plain-file')
    writeFileSync(file, 'x')
    // As root, chmod does not stop writes; a path below a regular file fails for everyone.
    const below = join(file, 'sub', 'drydock.sqlite')
    const error = storeError(() => openDatabase(below))
    expect(error.code).toBe('unusable')
    expect(error.message).toBe(
      `Cannot use the Drydock log at ${below}: a part of the path is a file, not a directory.`,
    )

    mkdirSync(join(dir, 'a-directory'))
    const directory = storeError(() => openDatabase(join(dir, 'a-directory')))
    expect(directory.code).toBe('unusable')
    expect(directory.message).toMatch(/a-directory: the path is a directory, not a file\.$/)
  })
})

describe('defaultDatabasePath', () => {
  it('prefers DRYDOCK_DB', () => {
    expect(defaultDatabasePath({ DRYDOCK_DB: '/data/log.sqlite' }, 'linux', '/home/ann')).toBe(
      '/data/log.sqlite',
    )
  })

  it('uses the desktop app userData directory on each platform', () => {
    expect(defaultDatabasePath({}, 'linux', '/home/ann')).toBe(
      '/home/ann/.config/Drydock/drydock.sqlite',
    )
    expect(defaultDatabasePath({ XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/ann')).toBe(
      '/xdg/Drydock/drydock.sqlite',
    )
    expect(defaultDatabasePath({ XDG_CONFIG_HOME: '' }, 'freebsd', '/home/ann')).toBe(
      '/home/ann/.config/Drydock/drydock.sqlite',
    )
    expect(defaultDatabasePath({}, 'darwin', '/Users/ann')).toBe(
      '/Users/ann/Library/Application Support/Drydock/drydock.sqlite',
    )
    expect(
      defaultDatabasePath(
        { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' },
        'win32',
        'C:\\Users\\ann',
      ),
    ).toBe('C:\\Users\\ann\\AppData\\Roaming\\Drydock\\drydock.sqlite')
    expect(defaultDatabasePath({}, 'win32', 'C:\\Users\\ann')).toBe(
      'C:\\Users\\ann\\AppData\\Roaming\\Drydock\\drydock.sqlite',
    )
  })
})
