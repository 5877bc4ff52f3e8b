/** Disk usage by type, and the free space where the engine keeps its data. */
import { z } from 'zod'
import { lazySchema } from './lazy-schema'

/** The VM products whose disk file Drydock can find (core/engine/vm-disk.ts). */
export const VM_PRODUCTS = [
  'Docker Desktop',
  'Colima',
  'Rancher Desktop',
  'OrbStack',
  'Podman machine',
] as const
export type VmProduct = (typeof VM_PRODUCTS)[number]

/**
 * Where the free and total bytes came from: `host-statfs`, the data root's filesystem read on
 * this machine (once checked against a probe to be the engine's own); `probe`, a throwaway
 * container reading statfs inside the engine (VMs, remote engines, other mount namespaces).
 */
export const FreeSourceSchema = lazySchema(() => z.enum(['host-statfs', 'probe']))

/** 'local': on this machine; 'vm': in a VM on this machine; 'remote': over tcp or ssh. */
export const EngineLocationSchema = lazySchema(() => z.enum(['local', 'vm', 'remote']))

export const DiskUsageSchema = lazySchema(() =>
  z.strictObject({
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
    /** The filesystem holding the data root, wherever the engine runs; null when unknown. */
    freeBytes: z.number().nonnegative().nullable(),
    totalBytes: z.number().nonnegative().nullable(),
    /** Where freeBytes and totalBytes came from; null when they are unknown. */
    freeSource: FreeSourceSchema.nullable(),
    engineLocation: EngineLocationSchema,
    /** For an engine in a VM: this machine's disk, where the VM's disk file is. Null otherwise
     * (a local engine's disk is the one above; a remote engine's is not this machine's). */
    hostDisk: z
      .strictObject({
        freeBytes: z.number().nonnegative(),
        totalBytes: z.number().nonnegative(),
        /** The directory measured: the VM disk file's, or the home directory. */
        path: z.string(),
      })
      .nullable(),
    /** The VM's disk file on this machine, when the engine runs in a known VM product. */
    vmDisk: z
      .strictObject({
        product: z.enum(VM_PRODUCTS),
        /** Null when the product is known but its file was not found where it keeps it. */
        path: z.string().nullable(),
        /** Bytes the file takes on this machine's disk (allocated blocks, not its apparent size). */
        allocatedBytes: z.number().nonnegative().nullable(),
        /** Why pruning does not shrink the file at once, and how this product gives space back. */
        explanation: z.string(),
      })
      .nullable(),
  }),
)

export type FreeSource = z.infer<typeof FreeSourceSchema>
export type EngineLocation = z.infer<typeof EngineLocationSchema>
export type DiskUsage = z.infer<typeof DiskUsageSchema>

/** One point of the usage history: a raw sample or the average of a roll-up bucket. */
export const UsagePointSchema = lazySchema(() =>
  z.strictObject({
    at: z.string(),
    imagesBytes: z.number().nonnegative(),
    containersBytes: z.number().nonnegative(),
    volumesBytes: z.number().nonnegative(),
    buildCacheBytes: z.number().nonnegative(),
    freeBytes: z.number().nonnegative().nullable(),
    totalBytes: z.number().nonnegative().nullable(),
  }),
)

export const UsageSeriesRequestSchema = lazySchema(() =>
  z.strictObject({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    /** The engine; omitted means the one Drydock is connected to (or last was). */
    host: z.string().optional(),
    maxPoints: z.number().int().min(2).max(2000).default(500),
  }),
)

export const UsageSeriesSchema = lazySchema(() =>
  z.strictObject({
    host: z.string().nullable(),
    /** The finest stored resolution the range used: raw samples, hourly or daily roll-ups. */
    resolution: z.enum(['raw', 'hourly', 'daily']),
    points: z.array(UsagePointSchema),
  }),
)

/** An engine's last recorded sample: what the dashboard paints before the engine answers. */
export const LatestUsageSchema = lazySchema(() => UsagePointSchema.extend({ host: z.string() }))

/** What cleanup could give back now, by type, counted by Drydock (not the engine's estimate). */
export const ReclaimableSchema = lazySchema(() =>
  z.strictObject({
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
  }),
)

export type UsagePoint = z.infer<typeof UsagePointSchema>
export type UsageSeries = z.infer<typeof UsageSeriesSchema>
export type LatestUsage = z.infer<typeof LatestUsageSchema>
export type Reclaimable = z.infer<typeof ReclaimableSchema>
