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
