/**
 * When each image was last used, per engine, as the engine's event stream told it; and how far
 * that stream has been read, so a later process resumes where the last one stopped.
 */
import type BetterSqlite3 from 'better-sqlite3'
import { withStoreErrors } from './errors'

export interface ImageUse {
  imageId: string
  /** Unix milliseconds. */
  at: number
  /** The event that showed the use: `container start`, `image pull`, ... */
  event: string
}

/** The last engine event a catch-up read (any kind), as the engine identifies it. */
export interface EventWatermark {
  timeNano: number
  type: string
  action: string
  id: string
}

export class LastUsedStore {
  private readonly statements

  constructor(private readonly db: BetterSqlite3.Database) {
    this.statements = {
      upsert: db.prepare(
        `INSERT INTO image_last_used (host, image_id, last_used_at, event)
         VALUES (@host, @imageId, @at, @event)
         ON CONFLICT (host, image_id) DO UPDATE SET
           last_used_at = excluded.last_used_at, event = excluded.event
         WHERE excluded.last_used_at > last_used_at`,
      ),
      all: db.prepare<[string], { image_id: string; last_used_at: number; event: string }>(
        'SELECT image_id, last_used_at, event FROM image_last_used WHERE host = ?',
      ),
      cursor: db.prepare<[string], { read_until: number }>(
        'SELECT read_until FROM event_cursors WHERE host = ?',
      ),
      setCursor: db.prepare(
        `INSERT INTO event_cursors (host, read_until) VALUES (?, ?)
         ON CONFLICT (host) DO UPDATE SET read_until = max(read_until, excluded.read_until)`,
      ),
      watermark: db.prepare<[string], { watermark_json: string | null }>(
        'SELECT watermark_json FROM event_cursors WHERE host = ?',
      ),
      setWatermark: db.prepare('UPDATE event_cursors SET watermark_json = ? WHERE host = ?'),
    }
  }

  /** Records uses (keeping the newest per image) and moves the cursor, in one transaction. */
  record(host: string, uses: ImageUse[], readUntil: number, watermark?: EventWatermark): void {
    const write = this.db.transaction(() => {
      for (const use of uses) this.statements.upsert.run({ host, ...use })
      this.statements.setCursor.run(host, readUntil)
      if (watermark) this.statements.setWatermark.run(JSON.stringify(watermark), host)
    })
    withStoreErrors(this.db, () => write())
  }

  /** The last event a catch-up saw on this engine; null before the first (or if unreadable). */
  watermark(host: string): EventWatermark | null {
    const row = withStoreErrors(this.db, () => this.statements.watermark.get(host))
    try {
      const value = row?.watermark_json ? (JSON.parse(row.watermark_json) as EventWatermark) : null
      return value && typeof value.timeNano === 'number' ? value : null
    } catch {
      return null
    }
  }

  /** Drops the uses of images the engine no longer has, so the table stays as big as the
   * engine's image list (an image ID that comes back is a new use anyway: it was pulled or loaded). */
  forgetAllBut(host: string, imageIds: ReadonlySet<string>): void {
    const gone = [...this.uses(host).keys()].filter((id) => !imageIds.has(id))
    if (gone.length === 0) return
    const remove = this.db.prepare('DELETE FROM image_last_used WHERE host = ? AND image_id = ?')
    const write = this.db.transaction(() => {
      for (const id of gone) remove.run(host, id)
    })
    withStoreErrors(this.db, () => write())
  }

  /** Image ID → its newest recorded use. */
  uses(host: string): Map<string, ImageUse> {
    const rows = withStoreErrors(this.db, () => this.statements.all.all(host))
    return new Map(
      rows.map((row) => [
        row.image_id,
        { imageId: row.image_id, at: row.last_used_at, event: row.event },
      ]),
    )
  }

  /** Unix milliseconds the event stream was read up to; null before the first read. */
  cursor(host: string): number | null {
    return withStoreErrors(this.db, () => this.statements.cursor.get(host)?.read_until ?? null)
  }
}
