/**
 * Containers, volumes and build cache as Drydock shows them (the window's pages, `drydock
 * status`). Their sizes come from the engine's `/system/df`, which walks every file of every
 * volume and can take minutes: lists answer at once with the last sizes known and their age, and
 * a background read brings fresh ones (`sizes` event).
 */
import { z } from 'zod'
import { lazySchema } from './lazy-schema'

const Timestamp = lazySchema(() => z.string())

export const MountedBySchema = lazySchema(() =>
  z.strictObject({
    id: z.string(),
    name: z.string(),
    state: z.string(),
  }),
)

export const ContainerViewSchema = lazySchema(() =>
  z.strictObject({
    id: z.string(),
    name: z.string(),
    /** The reference it was created from (may be a bare ID after its image was removed). */
    image: z.string(),
    imageId: z.string(),
    state: z.string(),
    running: z.boolean(),
    created: Timestamp,
    /** When it last stopped; null while it runs or if it never ran. */
    finishedAt: Timestamp.nullable(),
    /** Bytes of its writable layer; null when not known yet. */
    sizeRw: z.number().nonnegative().nullable(),
    volumes: z.array(z.strictObject({ name: z.string(), destination: z.string() })),
    labels: z.record(z.string(), z.string()),
    composeProject: z.string().nullable(),
  }),
)

export const VolumeViewSchema = lazySchema(() =>
  z.strictObject({
    name: z.string(),
    /** Made for a container without a name (a `VOLUME` line, `-v /path`): no one chose to keep it. */
    anonymous: z.boolean(),
    driver: z.string(),
    created: Timestamp.nullable(),
    /** Bytes of its contents; null when not known yet. */
    size: z.number().nonnegative().nullable(),
    mountedBy: z.array(MountedBySchema),
    labels: z.record(z.string(), z.string()),
    composeProject: z.string().nullable(),
  }),
)

export const BuildCacheViewSchema = lazySchema(() =>
  z.strictObject({
    id: z.string(),
    parents: z.array(z.string()),
    type: z.string(),
    description: z.string(),
    inUse: z.boolean(),
    /** Its data is also an image's layer: removing the record alone frees nothing. */
    shared: z.boolean(),
    size: z.number().nonnegative(),
    created: Timestamp,
    lastUsed: Timestamp.nullable(),
    usageCount: z.number().int().nonnegative(),
  }),
)

/** A list with the age of its sizes. */
function sized<T extends z.ZodType>(item: T) {
  return z.strictObject({
    items: z.array(item),
    /** When the sizes were read; null when none are known yet. */
    sizesAt: Timestamp.nullable(),
    /** A fresher read is under way; a `sizes` event says when it lands. */
    refreshing: z.boolean(),
  })
}

export const ContainerListSchema = lazySchema(() => sized(ContainerViewSchema))
export const VolumeListSchema = lazySchema(() => sized(VolumeViewSchema))
export const BuildCacheListSchema = lazySchema(() => sized(BuildCacheViewSchema))

export type ContainerView = z.infer<typeof ContainerViewSchema>
export type VolumeView = z.infer<typeof VolumeViewSchema>
export type BuildCacheView = z.infer<typeof BuildCacheViewSchema>
export type ContainerList = z.infer<typeof ContainerListSchema>
export type VolumeList = z.infer<typeof VolumeListSchema>
export type BuildCacheList = z.infer<typeof BuildCacheListSchema>
