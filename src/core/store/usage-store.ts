/**
 * Disk usage over time, per engine. Every sample is kept raw for a week and folded, as it is
 * written, into hourly and daily roll-ups; hourly ones are kept 90 days, daily ones for ever.
 * A year at the default 15-minute interval is then ~3,200 rows instead of 35,000, and a range
 * query reads at most a few thousand rows whatever its length.
 */
import type BetterSqlite3 from 'better-sqlite3'
import type { UsagePoint, UsageSeries } from '../../shared/usage'
import { withStoreErrors } from './errors'

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS
export const RAW_RETENTION_MS = 7 * DAY_MS
export const HOURLY_RETENTION_MS = 90 * DAY_MS
/** Retention deletes run at most this often: a sample every minute need not scan every minute. */
const PRUNE_EVERY_MS = HOUR_MS

export interface UsageSampleInput {
  host: string
  at: Date
  imagesBytes: number
  containersBytes: number
  volumesBytes: number
  buildCacheBytes: number
  freeBytes: number | null
  totalBytes: number | null
}

export interface SeriesQuery {
  host: string
  from: Date
  to: Date
  maxPoints: number
  /** The clock, for choosing which resolution still covers `from`. */
  now: Date
}

interface PointRow {
  at: number
  images: number
  containers: number
  volumes: number
  buildCache: number
  free: number | null
  total: number | null
}

const ROLLUP_UPSERT = `
  INSERT INTO usage_rollups (host, resolution, bucket_start, sample_count, images_bytes_sum,
    containers_bytes_sum, volumes_bytes_sum, build_cache_bytes_sum, free_bytes_min,
    total_bytes_last)
  VALUES (@host, @resolution, @bucketStart, 1, @imagesBytes, @containersBytes, @volumesBytes,
    @buildCacheBytes, @freeBytes, @totalBytes)
  ON CONFLICT (host, resolution, bucket_start) DO UPDATE SET
    sample_count = sample_count + 1,
    images_bytes_sum = images_bytes_sum + excluded.images_bytes_sum,
    containers_bytes_sum = containers_bytes_sum + excluded.containers_bytes_sum,
    volumes_bytes_sum = volumes_bytes_sum + excluded.volumes_bytes_sum,
    build_cache_bytes_sum = build_cache_bytes_sum + excluded.build_cache_bytes_sum,
    free_bytes_min = min(coalesce(free_bytes_min, excluded.free_bytes_min),
                         coalesce(excluded.free_bytes_min, free_bytes_min)),
    total_bytes_last = coalesce(excluded.total_bytes_last, total_bytes_last)`

/** Points in [from, to], grouped into `width`-ms buckets: averages, and the lowest free space. */
const RAW_SERIES = `
  SELECT min(at) AS at, avg(images_bytes) AS images, avg(containers_bytes) AS containers,
    avg(volumes_bytes) AS volumes, avg(build_cache_bytes) AS buildCache,
    min(free_bytes) AS free, max(total_bytes) AS total
  FROM usage_samples
  WHERE host = @host AND at >= @from AND at <= @to
  GROUP BY CAST((at - @from) / @width AS INTEGER)
  ORDER BY at`

const ROLLUP_SERIES = `
  SELECT min(bucket_start) AS at,
    sum(images_bytes_sum) * 1.0 / sum(sample_count) AS images,
    sum(containers_bytes_sum) * 1.0 / sum(sample_count) AS containers,
    sum(volumes_bytes_sum) * 1.0 / sum(sample_count) AS volumes,
    sum(build_cache_bytes_sum) * 1.0 / sum(sample_count) AS buildCache,
    min(free_bytes_min) AS free, max(total_bytes_last) AS total
  FROM usage_rollups
  WHERE host = @host AND resolution = @resolution AND bucket_start >= @from
    AND bucket_start <= @to
  GROUP BY CAST((bucket_start - @from) / @width AS INTEGER)
  ORDER BY at`

export class UsageStore {
  private readonly statements
  private lastPrunedAt = 0

  constructor(private readonly db: BetterSqlite3.Database) {
    this.statements = {
      insertRaw: db.prepare(
        `INSERT OR REPLACE INTO usage_samples (host, at, images_bytes, containers_bytes,
           volumes_bytes, build_cache_bytes, free_bytes, total_bytes)
         VALUES (@host, @at, @imagesBytes, @containersBytes, @volumesBytes, @buildCacheBytes,
           @freeBytes, @totalBytes)`,
      ),
      upsertRollup: db.prepare(ROLLUP_UPSERT),
      pruneRaw: db.prepare('DELETE FROM usage_samples WHERE at < ?'),
      pruneHourly: db.prepare(
        "DELETE FROM usage_rollups WHERE resolution = 'hour' AND bucket_start < ?",
      ),
      rawSeries: db.prepare<unknown[], PointRow>(RAW_SERIES),
      rollupSeries: db.prepare<unknown[], PointRow>(ROLLUP_SERIES),
      latest: db.prepare<[string], PointRow>(
        `SELECT at, images_bytes AS images, containers_bytes AS containers,
           volumes_bytes AS volumes, build_cache_bytes AS buildCache, free_bytes AS free,
           total_bytes AS total
         FROM usage_samples WHERE host = ? ORDER BY at DESC LIMIT 1`,
      ),
      latestHost: db.prepare<[], { host: string }>(
        'SELECT host FROM usage_samples ORDER BY at DESC LIMIT 1',
      ),
      hosts: db.prepare<[], { host: string }>(
        `SELECT host FROM usage_rollups WHERE resolution = 'day'
         GROUP BY host ORDER BY max(bucket_start) DESC LIMIT 32`,
      ),
    }
  }

  /** Records a sample, folds it into its hour and day, and applies retention now and then. */
  record(sample: UsageSampleInput): void {
    const at = sample.at.getTime()
    const values = {
      host: sample.host,
      imagesBytes: Math.round(sample.imagesBytes),
      containersBytes: Math.round(sample.containersBytes),
      volumesBytes: Math.round(sample.volumesBytes),
      buildCacheBytes: Math.round(sample.buildCacheBytes),
      freeBytes: sample.freeBytes === null ? null : Math.round(sample.freeBytes),
      totalBytes: sample.totalBytes === null ? null : Math.round(sample.totalBytes),
    }
    const write = this.db.transaction(() => {
      this.statements.insertRaw.run({ ...values, at })
      this.statements.upsertRollup.run({
        ...values,
        resolution: 'hour',
        bucketStart: at - (at % HOUR_MS),
      })
      // Days in UTC: the same on every machine sharing the file.
      this.statements.upsertRollup.run({
        ...values,
        resolution: 'day',
        bucketStart: at - (at % DAY_MS),
      })
      if (at - this.lastPrunedAt >= PRUNE_EVERY_MS) {
        this.statements.pruneRaw.run(at - RAW_RETENTION_MS)
        this.statements.pruneHourly.run(at - HOURLY_RETENTION_MS)
        this.lastPrunedAt = at
      }
    })
    withStoreErrors(this.db, () => write())
  }

  /** The engines sampled, most recently sampled first (from the daily roll-ups: small). */
  hosts(): string[] {
    return withStoreErrors(this.db, () => this.statements.hosts.all().map((row) => row.host))
  }

  /** The engine sampled most recently: the default series when Drydock has no engine now. */
  latestHost(): string | null {
    return withStoreErrors(this.db, () => this.statements.latestHost.get()?.host ?? null)
  }

  /** An engine's last raw sample (kept a week), as recorded; null when there is none. */
  latest(host: string): UsagePoint | null {
    const row = withStoreErrors(this.db, () => this.statements.latest.get(host))
    return row === undefined ? null : toPoint(row)
  }

  /**
   * The finest resolution that still covers `from`, grouped into at most `maxPoints` buckets.
   * Raw samples cover the last week, hourly roll-ups 90 days, daily ones everything.
   */
  series(query: SeriesQuery): UsageSeries {
    const from = query.from.getTime()
    const to = query.to.getTime()
    const age = query.now.getTime() - from
    const resolution =
      age <= RAW_RETENTION_MS ? 'raw' : age <= HOURLY_RETENTION_MS ? 'hourly' : 'daily'
    const step = resolution === 'raw' ? 1 : resolution === 'hourly' ? HOUR_MS : DAY_MS
    // Integer bucket width: ceil so that the range splits into at most maxPoints groups.
    // Roll-ups from the bucket holding `from`: a 90-day chart starts at its first hour, not after.
    const start = from - (from % step)
    const width = Math.max(step, Math.ceil((to - start + 1) / query.maxPoints))
    const params = { host: query.host, from: start, to, width }
    const rows = withStoreErrors(this.db, () =>
      resolution === 'raw'
        ? this.statements.rawSeries.all(params)
        : this.statements.rollupSeries.all({
            ...params,
            resolution: resolution === 'hourly' ? 'hour' : 'day',
          }),
    )
    return { host: query.host, resolution, points: rows.map(toPoint) }
  }
}

function toPoint(row: PointRow): UsagePoint {
  return {
    at: new Date(row.at).toISOString(),
    imagesBytes: Math.round(row.images),
    containersBytes: Math.round(row.containers),
    volumesBytes: Math.round(row.volumes),
    buildCacheBytes: Math.round(row.buildCache),
    freeBytes: row.free,
    totalBytes: row.total,
  }
}
