/** Disk usage by type, and the free space where the engine keeps its data. */
import { z } from 'zod'

export const DiskUsageSchema = z.strictObject({
  at: z.string(),
  /** Unique image layers, counted once (`docker system df`'s images SIZE). */
  imagesBytes: z.number().nonnegative(),
  imageCount: z.number().int().nonnegative(),
  /** Containers' writable layers. */
  containersBytes: z.number().nonnegative(),
  containerCount: z.number().int().nonnegative(),
  volumesBytes: z.number().nonnegative(),
  volumeCount: z.number().int().nonnegative(),
  unusedVolumeCount: z.number().int().nonnegative(),
  buildCacheBytes: z.number().nonnegative(),
  /** The filesystem holding the data root; null for a remote engine. */
  freeBytes: z.number().nonnegative().nullable(),
  totalBytes: z.number().nonnegative().nullable(),
})

export type DiskUsage = z.infer<typeof DiskUsageSchema>

/** One point of the usage history: a raw sample or the average of a roll-up bucket. */
export const UsagePointSchema = z.strictObject({
  at: z.string(),
  imagesBytes: z.number().nonnegative(),
  containersBytes: z.number().nonnegative(),
  volumesBytes: z.number().nonnegative(),
  buildCacheBytes: z.number().nonnegative(),
  freeBytes: z.number().nonnegative().nullable(),
  totalBytes: z.number().nonnegative().nullable(),
})

export const UsageSeriesRequestSchema = z.strictObject({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  /** The engine; omitted means the one Drydock is connected to (or last was). */
  host: z.string().optional(),
  maxPoints: z.number().int().min(2).max(2000).default(500),
})

export const UsageSeriesSchema = z.strictObject({
  host: z.string().nullable(),
  /** The finest stored resolution the range used: raw samples, hourly or daily roll-ups. */
  resolution: z.enum(['raw', 'hourly', 'daily']),
  points: z.array(UsagePointSchema),
})

/** What cleanup could give back now, by type, counted by Drydock (not the engine's estimate). */
export const ReclaimableSchema = z.strictObject({
  at: z.string(),
  /** Images no container uses, removed without force (`--unused`). */
  imagesBytes: z.number().nonnegative(),
  /** Stopped containers' writable layers. */
  containersBytes: z.number().nonnegative(),
  /** Volumes no container mounts. */
  volumesBytes: z.number().nonnegative(),
  /** Build cache not in use. */
  buildCacheBytes: z.number().nonnegative(),
  /** What "Clean up safely" (the default policy) frees. */
  defaultPolicyBytes: z.number().nonnegative(),
})

export type UsagePoint = z.infer<typeof UsagePointSchema>
export type UsageSeries = z.infer<typeof UsageSeriesSchema>
export type Reclaimable = z.infer<typeof ReclaimableSchema>
