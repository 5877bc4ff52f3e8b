/** Brings a database up to the newest schema, one migration per transaction. */
import type BetterSqlite3 from 'better-sqlite3'
import { StoreError } from './errors'
import { MIGRATIONS, type Migration } from './migrations'

export function schemaVersion(db: BetterSqlite3.Database): number {
  return db.pragma('user_version', { simple: true }) as number
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(
        `Migration ${index + 1} is numbered ${migration.version}; they must be 1, 2, 3, ...`,
      )
    }
  })
}

/** The database's schema version; a `future-version` error when a newer Drydock wrote it. */
export function assertKnownVersion(
  db: BetterSqlite3.Database,
  path: string,
  migrations: readonly Migration[] = MIGRATIONS,
): number {
  const latest = migrations.length
  const found = schemaVersion(db)
  if (found > latest) {
    throw new StoreError(
      'future-version',
      `The Drydock log at ${path} was written by a newer version of Drydock (schema version ` +
        `${found}; this version knows up to ${latest}). Update Drydock, or use another file ` +
        `with --db or DRYDOCK_DB.`,
      { path },
    )
  }
  return found
}

/**
 * Applies every migration newer than the database's user_version; returns the version reached.
 * A database written by a newer Drydock is refused rather than guessed at.
 */
export function migrate(
  db: BetterSqlite3.Database,
  path: string,
  migrations: readonly Migration[] = MIGRATIONS,
): number {
  checkOrder(migrations)
  const found = assertKnownVersion(db, path, migrations)
  for (const migration of migrations.slice(found)) {
    // BEGIN IMMEDIATE, and the version re-read inside it: the app and the CLI may both be
    // starting, and only one of them may apply a given migration.
    db.transaction(() => {
      const current = schemaVersion(db)
      if (current >= migration.version) return
      db.exec(migration.sql)
      db.pragma(`user_version = ${migration.version}`)
    }).immediate()
  }
  return schemaVersion(db)
}
