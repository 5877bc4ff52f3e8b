/**
 * Failures of the local log, each as one sentence that names the file and the cause, so the UI
 * and the CLI (exit 4) can say why no cleanup may run without a working journal.
 */
import type BetterSqlite3 from 'better-sqlite3'
import { errorMessage } from '../../shared/errors'

export type StoreErrorCode = 'locked' | 'unusable' | 'corrupt' | 'future-version'

export class StoreError extends Error {
  readonly code: StoreErrorCode
  /** The database file concerned. */
  readonly path: string

  constructor(code: StoreErrorCode, message: string, options: { path: string; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'StoreError'
    this.code = code
    this.path = options.path
  }
}

function codeOf(error: unknown): string {
  if (typeof error !== 'object' || error === null) return ''
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' ? code : ''
}

export function isBusy(error: unknown): boolean {
  const code = codeOf(error)
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')
}

export function isCorruption(error: unknown): boolean {
  const code = codeOf(error)
  return code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')
}

/** Why a file or directory cannot be used, in words; null when the error is not about that. */
function unusableCause(error: unknown): string | null {
  const code = codeOf(error)
  switch (code) {
    case 'ENOTDIR':
      return 'a part of the path is a file, not a directory'
    case 'EISDIR':
      return 'the path is a directory, not a file'
    case 'EACCES':
    case 'EPERM':
    case 'SQLITE_PERM':
    case 'SQLITE_AUTH':
      return 'permission denied'
    case 'EROFS':
      return 'the file system is read-only'
    case 'ENOSPC':
    case 'EDQUOT':
    case 'SQLITE_FULL':
      return 'the disk is full'
    case 'ENOENT':
    case 'ENAMETOOLONG':
    case 'ELOOP':
    case 'EIO':
    case 'SQLITE_NOLFS':
      return errorMessage(error)
  }
  if (code.startsWith('SQLITE_READONLY')) return 'the file or its directory is read-only'
  if (code.startsWith('SQLITE_CANTOPEN')) {
    return 'the file cannot be opened or created (is its directory writable?)'
  }
  if (code.startsWith('SQLITE_IOERR')) return `a disk read or write failed (${errorMessage(error)})`
  return null
}

export function unusable(path: string, cause: string, error?: unknown): StoreError {
  return new StoreError('unusable', `Cannot use the Drydock log at ${path}: ${cause}.`, {
    path,
    cause: error,
  })
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`
}

/**
 * Translates a SQLite or file-system failure into a StoreError; null for anything else (a bug,
 * such as a constraint violation, which must surface as it is).
 */
export function toStoreError(
  error: unknown,
  path: string,
  busyTimeoutMs: number,
): StoreError | null {
  if (error instanceof StoreError) return error
  if (isBusy(error)) {
    return new StoreError(
      'locked',
      `The Drydock log at ${path} is locked by another process (another Drydock window or ` +
        `drydock command) and stayed locked for more than ${seconds(busyTimeoutMs)}; ` +
        `try again when it has finished.`,
      { path, cause: error },
    )
  }
  if (isCorruption(error)) {
    return new StoreError(
      'corrupt',
      `The Drydock log at ${path} is damaged (${errorMessage(error)}); ` +
        `move it aside or delete it to start a new log.`,
      { path, cause: error },
    )
  }
  const cause = unusableCause(error)
  return cause === null ? null : unusable(path, cause, error)
}

/** Runs `work` on `db`, turning a lock, a full disk or a damaged file into a StoreError. */
export function withStoreErrors<T>(db: BetterSqlite3.Database, work: () => T): T {
  try {
    return work()
  } catch (error) {
    const timeout = db.open ? (db.pragma('busy_timeout', { simple: true }) as number) : 0
    throw toStoreError(error, db.name, timeout) ?? error
  }
}
