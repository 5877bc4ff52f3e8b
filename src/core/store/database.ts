/**
 * Opens the log's SQLite file: shared by the app and the CLI (WAL, busy timeout), migrated to
 * the newest schema, and recovered when the file is not a database. Every failure to get a
 * working file is a StoreError, because no cleanup may run without a journal.
 */
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  statfsSync,
  statSync,
} from 'node:fs'
import { basename, dirname, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { isBusy, isCorruption, toStoreError, unusable, type StoreError } from './errors'
import { assertKnownVersion, migrate } from './migrate'
import { errorMessage } from '../../shared/errors'

import { APP_DIRECTORY } from './database-path'

export { defaultDatabasePath } from './database-path'

export const DEFAULT_BUSY_TIMEOUT_MS = 5000

export interface OpenDatabaseOptions {
  /** Path of the better_sqlite3.node to load (the Electron build uses its own). */
  nativeBinding?: string
  /** How long to wait for another process's lock before giving up; default 5000 ms. */
  busyTimeoutMs?: number
  /** Clock for the name of a moved-aside corrupt file. */
  now?: () => Date
}

export interface OpenedDatabase {
  db: Database.Database
  /** The absolute path of the file (or ":memory:"). */
  path: string
  /** Where a corrupt file was moved before a fresh one was created; tell the user once. */
  recoveredFrom: string | null
  close(): void
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/**
 * The log says what was deleted, from which engine and when, and holds the settings: it is the
 * user's alone. Its directory is created 0700 and the file 0600 (SQLite gives its -wal and -shm
 * the database file's mode). On POSIX systems only; Windows keeps the profile's ACLs.
 */
const PRIVATE_DIRECTORY_MODE = 0o700
const PRIVATE_FILE_MODE = 0o600

/** Narrows `path` to `mode` if it is ours (same user) and others may read it; best effort. */
function tighten(path: string, mode: number): void {
  try {
    const stat = statSync(path)
    const ours = typeof process.getuid !== 'function' || stat.uid === process.getuid()
    if (ours && (stat.mode & 0o777 & ~mode) !== 0) chmodSync(path, mode)
  } catch {
    // Absent, or a file system without modes: SQLite will say if the file is unusable.
  }
}

/**
 * Creates the directory (0700) and the file (0600) before SQLite does, and narrows an existing
 * file (and its -wal, -shm, -journal) and the app's own directory to those modes. A directory
 * the user chose for --db or DRYDOCK_DB is not Drydock's to change, unless Drydock created it.
 */
function makePrivate(file: string, createdDirectory: boolean): void {
  if (process.platform === 'win32') return
  const directory = dirname(file)
  if (createdDirectory || basename(directory) === APP_DIRECTORY) {
    tighten(directory, PRIVATE_DIRECTORY_MODE)
  }
  try {
    closeSync(openSync(file, 'wx', PRIVATE_FILE_MODE))
  } catch {
    // It exists already (tightened below), or cannot be created: opening it will say why.
  }
  for (const suffix of ['', '-wal', '-shm', '-journal']) tighten(file + suffix, PRIVATE_FILE_MODE)
}

/** Creates the directory and checks the path is not one, so the error names the real cause. */
function prepareLocation(file: string): void {
  let created: string | undefined
  try {
    created = mkdirSync(dirname(file), { recursive: true, mode: PRIVATE_DIRECTORY_MODE })
  } catch (error) {
    throw toStoreError(error, file, 0) ?? unusable(file, errorMessage(error), error)
  }
  if (existsSync(file) && statSync(file).isDirectory()) {
    throw unusable(file, 'the path is a directory, not a file')
  }
  makePrivate(file, created !== undefined)
  assertRoomToOpen(file)
}

/**
 * SQLite in WAL mode maps its shared-memory file; on a filesystem with no free block left,
 * touching that mapping can kill the process with SIGBUS instead of returning an error. A log
 * on a disk this full could not record a cleanup anyway: say so, before SQLite opens it.
 */
const MIN_FREE_BYTES_TO_OPEN = 256 * 1024

function assertRoomToOpen(file: string): void {
  let free: number
  try {
    const stats = statfsSync(dirname(file))
    free = stats.bavail * stats.bsize
  } catch {
    return // cannot tell: SQLite will say what is wrong
  }
  if (free < MIN_FREE_BYTES_TO_OPEN) {
    throw unusable(file, `the disk is full (${free} bytes free where the log is)`)
  }
}

/**
 * Switching into WAL needs an exclusive lock and SQLite does not call the busy handler for it,
 * so this waits the way busy_timeout would.
 */
function enableWal(db: Database.Database, busyTimeoutMs: number): void {
  const deadline = Date.now() + busyTimeoutMs
  for (;;) {
    try {
      db.pragma('journal_mode = WAL')
      return
    } catch (error) {
      const left = deadline - Date.now()
      if (!isBusy(error) || left <= 0) throw error
      sleepSync(Math.min(20, left))
    }
  }
}

function connect(file: string, busyTimeoutMs: number, nativeBinding?: string): Database.Database {
  // `timeout` is SQLite's busy_timeout: how long a statement waits for another writer.
  const db = new Database(
    file,
    nativeBinding ? { timeout: busyTimeoutMs, nativeBinding } : { timeout: busyTimeoutMs },
  )
  try {
    // A file from a newer Drydock is refused before anything (even the WAL switch) writes to it.
    assertKnownVersion(db, file)
    enableWal(db, busyTimeoutMs)
    // In WAL mode NORMAL loses no commit when the process is killed, only on power loss.
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    // Reading the schema finds a damaged file now, while it can still be moved aside.
    db.prepare('SELECT count(*) FROM sqlite_schema').get()
    migrate(db, file)
    return db
  } catch (error) {
    db.close()
    throw error
  }
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1')

/**
 * Whether the file is empty, absent or starts as a SQLite database does. Checked before SQLite
 * opens it because SQLite, on closing a file it found not to be a database, deletes its -wal:
 * evidence the moved-aside copy should keep.
 */
function hasSqliteHeader(file: string): boolean {
  if (!existsSync(file)) return true
  const header = Buffer.alloc(SQLITE_HEADER.length)
  const fd = openSync(file, 'r')
  try {
    const read = readSync(fd, header, 0, header.length, 0)
    return read === 0 || (read === header.length && header.equals(SQLITE_HEADER))
  } finally {
    closeSync(fd)
  }
}

/** Renames the file (and its -wal/-shm, which belong to it) to `<name>.corrupt-<timestamp>`. */
function moveAside(file: string, at: Date): string {
  const stamp = at.toISOString().replace(/[:.]/g, '-')
  let target = `${file}.corrupt-${stamp}`
  for (let n = 2; existsSync(target); n++) target = `${file}.corrupt-${stamp}-${n}`
  try {
    renameSync(file, target)
    for (const suffix of ['-wal', '-shm', '-journal']) {
      if (existsSync(file + suffix)) renameSync(file + suffix, target + suffix)
    }
  } catch (error) {
    throw unusable(
      file,
      `it is not a database and could not be moved aside (${errorMessage(error)})`,
      error,
    )
  }
  // The fresh log that takes its place starts private too.
  makePrivate(file, false)
  return target
}

function opened(db: Database.Database, path: string, recoveredFrom: string | null): OpenedDatabase {
  return {
    db,
    path,
    recoveredFrom,
    close: () => {
      if (db.open) db.close()
    },
  }
}

export function openDatabase(path: string, options: OpenDatabaseOptions = {}): OpenedDatabase {
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS
  const inMemory = path === ':memory:'
  const file = inMemory ? path : resolve(path)
  const fail = (error: unknown): StoreError =>
    toStoreError(error, file, busyTimeoutMs) ?? unusable(file, errorMessage(error), error)

  const now = options.now ?? (() => new Date())
  let recoveredFrom: string | null = null
  if (!inMemory) {
    prepareLocation(file)
    let intact: boolean
    try {
      intact = hasSqliteHeader(file)
    } catch (error) {
      throw fail(error)
    }
    if (!intact) recoveredFrom = moveAside(file, now())
  }
  try {
    return opened(connect(file, busyTimeoutMs, options.nativeBinding), file, recoveredFrom)
  } catch (error) {
    // Damage past the header (a broken schema page) shows only once SQLite reads it.
    if (inMemory || recoveredFrom !== null || !isCorruption(error)) throw fail(error)
  }
  recoveredFrom = moveAside(file, now())
  try {
    return opened(connect(file, busyTimeoutMs, options.nativeBinding), file, recoveredFrom)
  } catch (error) {
    throw fail(error)
  }
}
