/**
 * Per-image layer data, kept across runs. An image ID is the hash of its config, so what was
 * learned about it never changes and is fetched from the engine only once.
 */
import type BetterSqlite3 from 'better-sqlite3'
import { BUILDKIT_ROW } from './buildkit-row'
import { withStoreErrors } from './errors'

export interface CachedLayer {
  diffId: string
  chainId: string
  size: number
  step: string
  buildkit: boolean
  created: number
  derived?: true
}

export interface CachedImageLayers {
  imageId: string
  /** The image's build time as the engine writes it (nanoseconds). */
  createdAt: string
  /** Base layer first. */
  layers: CachedLayer[]
}

function isLayer(value: unknown): value is CachedLayer {
  if (typeof value !== 'object' || value === null) return false
  const layer = value as Record<string, unknown>
  return (
    typeof layer.diffId === 'string' &&
    typeof layer.chainId === 'string' &&
    typeof layer.size === 'number' &&
    // Rows written before build steps were kept are misses: the image is read once more.
    typeof layer.step === 'string' &&
    typeof layer.buildkit === 'boolean' &&
    typeof layer.created === 'number'
  )
}

/**
 * A row that does not parse is a cache miss (the engine is asked again), not an error. Rows
 * written before the build time and steps were kept (a bare array) are misses too.
 */
function parseFacts(text: string): { createdAt: string; layers: CachedLayer[] } | null {
  try {
    const value = JSON.parse(text) as { createdAt?: unknown; layers?: unknown }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null
    if (typeof value.createdAt !== 'string') return null
    return Array.isArray(value.layers) && value.layers.every(isLayer)
      ? { createdAt: value.createdAt, layers: value.layers }
      : null
  } catch {
    return null
  }
}

function entryOf(row: { image_id: string; layers_json: string }): CachedImageLayers | null {
  const facts = parseFacts(row.layers_json)
  return facts ? { imageId: row.image_id, ...facts } : null
}

/** SQLite's page cache while the whole table is read once (a negative size is in KiB). */
const SCAN_CACHE_KIB = -128

export class ImageLayerCache {
  private readonly db: BetterSqlite3.Database
  private readonly clock: () => Date
  // One statement for any number of ids: json_each turns a JSON array into rows, and the
  // lookup uses the primary key (about as fast as chunked IN lists, without the chunking).
  private readonly select: BetterSqlite3.Statement<
    [string],
    { image_id: string; layers_json: string }
  >
  private readonly anyBuildKit: BetterSqlite3.Statement<[], { found: number }>
  private readonly count: BetterSqlite3.Statement<[], { n: number }>
  private readonly all: BetterSqlite3.Statement<[], { image_id: string; layers_json: string }>
  /** Every row, read and parsed ahead by prefetch() (null: a row that does not parse). */
  private prefetched: Map<string, CachedImageLayers | null> | null = null
  private readonly upsert: BetterSqlite3.Statement<{
    imageId: string
    layersJson: string
    fetchedAt: string
  }>

  constructor(db: BetterSqlite3.Database, clock: () => Date = () => new Date()) {
    this.db = db
    this.clock = clock
    this.select = db.prepare(
      `SELECT image_id, layers_json FROM image_layers
       WHERE image_id IN (SELECT value FROM json_each(?))`,
    )
    this.anyBuildKit = db.prepare(BUILDKIT_ROW)
    this.count = db.prepare('SELECT count(*) AS n FROM image_layers')
    this.all = db.prepare('SELECT image_id, layers_json FROM image_layers')
    this.upsert = db.prepare(
      `INSERT OR REPLACE INTO image_layers (image_id, layers_json, fetched_at)
       VALUES (@imageId, @layersJson, @fetchedAt)`,
    )
  }

  private guard<T>(work: () => T): T {
    return withStoreErrors(this.db, work)
  }

  /**
   * Reads and parses every row now, for the getMany() to come — when there are at most `limit`
   * (rows of images long gone are never removed). A plan calls this while the engine works on
   * the image list, so reading and parsing cost nothing once the list is in. A row written
   * meanwhile by another process is a miss, read from the engine again: the facts never change.
   */
  prefetch(limit = 20_000): void {
    try {
      if (this.count.get()!.n > limit) return
      const prefetched = new Map<string, CachedImageLayers | null>()
      // Read once, in one pass: SQLite's page cache (2 MB by default) would only fill with pages
      // nobody reads again, and every page of memory a process touches first costs a fault (~13
      // us in a VM: 520 fewer on 2,000 images, 37 -> 25 ms). The connection's size comes back.
      const cacheSize = this.db.pragma('cache_size', { simple: true }) as number
      this.db.pragma(`cache_size = ${SCAN_CACHE_KIB}`)
      try {
        for (const row of this.all.all()) prefetched.set(row.image_id, entryOf(row))
      } finally {
        this.db.pragma(`cache_size = ${cacheSize}`)
      }
      this.prefetched = prefetched
    } catch {
      this.prefetched = null // getMany reads them, and says why if it cannot
    }
  }

  /** The cached entries among `imageIds`; ids not in the map must be fetched. */
  getMany(imageIds: readonly string[]): Map<string, CachedImageLayers> {
    const found = new Map<string, CachedImageLayers>()
    if (imageIds.length === 0) return found
    const prefetched = this.prefetched
    this.prefetched = null
    if (prefetched) {
      for (const id of imageIds) {
        const entry = prefetched.get(id)
        if (entry) found.set(id, entry)
      }
      return found
    }
    for (const row of this.guard(() => this.select.all(JSON.stringify(imageIds)))) {
      const entry = entryOf(row)
      if (entry) found.set(row.image_id, entry)
    }
    return found
  }

  /** Whether any image this log knows was built by BuildKit: a plan then asks for the build
   * cache alongside the lists, rather than after them. */
  knowsBuildKit(): boolean {
    return this.guard(() => this.anyBuildKit.get() !== undefined)
  }

  putMany(entries: readonly CachedImageLayers[]): void {
    if (entries.length === 0) return
    const fetchedAt = this.clock().toISOString()
    const write = this.db.transaction(() => {
      for (const entry of entries) {
        // Only the known fields: callers may pass richer objects.
        const layers = entry.layers.map(
          ({ diffId, chainId, size, step, buildkit, created, derived }) => ({
            diffId,
            chainId,
            size,
            step,
            buildkit,
            created,
            ...(derived ? { derived } : {}),
          }),
        )
        const json = JSON.stringify({ createdAt: entry.createdAt, layers })
        this.upsert.run({ imageId: entry.imageId, layersJson: json, fetchedAt })
      }
    })
    this.guard(() => write.immediate())
  }
}
