/**
 * Low-disk alerts in the log (the `alerts` table of migration 2), and the alert snooze. The log
 * is the monitor's memory: an alert raised before a restart, or by another process sharing the
 * file (the app and `drydock watch`), is still active here, so it is not raised a second time.
 */
import type BetterSqlite3 from 'better-sqlite3'
import { AlertSchema, type Alert } from '../../shared/monitor'
import { withStoreErrors } from './errors'

interface AlertRow {
  id: string
  host: string
  kind: string
  level: string
  message: string
  raised_at: string
  cleared_at: string | null
  free_bytes: number | null
  total_bytes: number | null
  docker_bytes: number
  reclaimable_bytes: number | null
}

/** The snooze lives in the key-value `settings` table, beside (not inside) the user's settings. */
const SNOOZE_KEY = 'monitor.snoozed-until'

const COLUMNS = `id, host, kind, level, message, raised_at, cleared_at, free_bytes, total_bytes,
  docker_bytes, reclaimable_bytes`

function alertOf(row: AlertRow): Alert {
  return AlertSchema.parse({
    id: row.id,
    kind: row.kind,
    level: row.level,
    message: row.message,
    raisedAt: row.raised_at,
    clearedAt: row.cleared_at,
    engineHost: row.host,
    freeBytes: row.free_bytes,
    totalBytes: row.total_bytes,
    dockerBytes: row.docker_bytes,
    reclaimableBytes: row.reclaimable_bytes,
  })
}

/** STRICT INTEGER columns refuse fractions; byte counts from statfs are whole, but be sure. */
function whole(bytes: number | null): number | null {
  return bytes === null ? null : Math.round(bytes)
}

export class AlertLog {
  private readonly insert: BetterSqlite3.Statement<unknown[]>
  private readonly clearOne: BetterSqlite3.Statement<[string, string]>
  private readonly selectActive: BetterSqlite3.Statement<[string], AlertRow>
  private readonly selectRecent: BetterSqlite3.Statement<[string, number], AlertRow>
  private readonly selectOne: BetterSqlite3.Statement<[string], AlertRow>
  private readonly selectSnooze: BetterSqlite3.Statement<[string], { value_json: string }>
  private readonly upsertSnooze: BetterSqlite3.Statement<[string, string]>
  private readonly deleteSnooze: BetterSqlite3.Statement<[string]>

  /**
   * @param scope whose thresholds these alerts follow: 'settings' for the app's own; a
   *   `drydock watch` with threshold flags passes a scope of its own (see the migration).
   */
  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly scope = 'settings',
  ) {
    this.insert = db.prepare(
      `INSERT INTO alerts (${COLUMNS}, scope) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    this.clearOne = db.prepare(
      'UPDATE alerts SET cleared_at = ? WHERE id = ? AND cleared_at IS NULL',
    )
    this.selectActive = db.prepare(
      `SELECT ${COLUMNS} FROM alerts WHERE cleared_at IS NULL AND scope = ? ORDER BY raised_at, id`,
    )
    this.selectRecent = db.prepare(
      `SELECT ${COLUMNS} FROM alerts WHERE scope = ? ORDER BY raised_at DESC, id DESC LIMIT ?`,
    )
    this.selectOne = db.prepare(`SELECT ${COLUMNS} FROM alerts WHERE id = ?`)
    this.selectSnooze = db.prepare('SELECT value_json FROM settings WHERE key = ?')
    this.upsertSnooze = db.prepare(
      'INSERT INTO settings (key, value_json) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json',
    )
    this.deleteSnooze = db.prepare('DELETE FROM settings WHERE key = ?')
  }

  record(alert: Alert): void {
    withStoreErrors(this.db, () =>
      this.insert.run(
        alert.id,
        alert.engineHost,
        alert.kind,
        alert.level,
        alert.message,
        alert.raisedAt,
        alert.clearedAt,
        whole(alert.freeBytes),
        whole(alert.totalBytes),
        whole(alert.dockerBytes),
        whole(alert.reclaimableBytes),
        this.scope,
      ),
    )
  }

  /** An active alert's figures and words as the disk changes; its id and time stay. */
  update(alert: Alert): void {
    withStoreErrors(this.db, () =>
      this.db
        .prepare(
          `UPDATE alerts SET message = ?, free_bytes = ?, total_bytes = ?, docker_bytes = ?,
             reclaimable_bytes = ? WHERE id = ? AND cleared_at IS NULL`,
        )
        .run(
          alert.message,
          whole(alert.freeBytes),
          whole(alert.totalBytes),
          whole(alert.dockerBytes),
          whole(alert.reclaimableBytes),
          alert.id,
        ),
    )
  }

  /** Marks an active alert cleared; false when it was not active (another process got there). */
  clear(id: string, clearedAt: string): boolean {
    return withStoreErrors(this.db, () => this.clearOne.run(clearedAt, id).changes > 0)
  }

  /** Alerts not cleared yet, oldest first; optionally those of one engine only. */
  active(host?: string): Alert[] {
    const rows = withStoreErrors(this.db, () => this.selectActive.all(this.scope))
    return rows.filter((row) => host === undefined || row.host === host).map(alertOf)
  }

  get(id: string): Alert | null {
    const row = withStoreErrors(this.db, () => this.selectOne.get(id))
    return row ? alertOf(row) : null
  }

  /** The newest alerts, active or cleared. */
  recent(limit: number): Alert[] {
    return withStoreErrors(this.db, () => this.selectRecent.all(this.scope, limit)).map(alertOf)
  }

  snoozedUntil(): string | null {
    const row = withStoreErrors(this.db, () => this.selectSnooze.get(SNOOZE_KEY))
    if (!row) return null
    try {
      const value: unknown = JSON.parse(row.value_json)
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : null
    } catch {
      return null
    }
  }

  setSnoozedUntil(until: string | null): void {
    withStoreErrors(this.db, () =>
      until === null
        ? this.deleteSnooze.run(SNOOZE_KEY)
        : this.upsertSnooze.run(SNOOZE_KEY, JSON.stringify(until)),
    )
  }

  /**
   * Runs `work` in one write transaction taken up front (BEGIN IMMEDIATE), so two processes
   * checking at the same moment cannot both see an alert inactive and both raise it.
   */
  exclusively<T>(work: () => T): T {
    return withStoreErrors(this.db, () => this.db.transaction(work).immediate())
  }
}
