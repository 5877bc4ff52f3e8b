/**
 * Filesystems a probe showed to be an engine's own (migration 6), so that the next process reads
 * free space with statfs instead of running the probe again: every `drydock clean` and `status`
 * paid one (an image load and a container run, ~1 s of the engine's time). What the key holds and
 * why it is enough: src/core/engine/engine-disks.ts.
 */
import type BetterSqlite3 from 'better-sqlite3'
import { withStoreErrors } from './errors'

export class DiskVerdictStore {
  private readonly select: BetterSqlite3.Statement<[string], { checked_at: string }>
  private readonly upsert: BetterSqlite3.Statement<[string, string]>

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.select = db.prepare('SELECT checked_at FROM disk_verdicts WHERE key = ?')
    this.upsert = db.prepare('INSERT OR REPLACE INTO disk_verdicts (key, checked_at) VALUES (?, ?)')
  }

  /** Whether a probe confirmed `key` within the last `maxAgeMs`. */
  confirmed(key: string, maxAgeMs: number): boolean {
    const row = withStoreErrors(this.db, () => this.select.get(key))
    return row !== undefined && this.clock().getTime() - Date.parse(row.checked_at) < maxAgeMs
  }

  remember(key: string): void {
    withStoreErrors(this.db, () => this.upsert.run(key, this.clock().toISOString()))
  }
}
