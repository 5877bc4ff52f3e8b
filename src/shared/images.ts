/** The image inventory as Drydock shows it: references, sizes, and what depends on each image. */
import { z } from 'zod'
import { lazySchema } from './lazy-schema'

export const ImageViewSchema = lazySchema(() =>
  z.strictObject({
    id: z.string(),
    tags: z.array(z.string()),
    digests: z.array(z.string()),
    /** Build time (config `created`), ISO 8601. */
    created: z.string(),
    parentId: z.string().nullable(),
    labels: z.record(z.string(), z.string()),
    /** Bytes of the whole chain, as `docker images` shows. */
    size: z.number().nonnegative(),
    /** Bytes in layers no other image or container holds: what removing this image alone frees. */
    uniqueSize: z.number().nonnegative(),
    layerCount: z.number().int().nonnegative(),
    dangling: z.boolean(),
    children: z.array(z.string()),
    containers: z.array(z.strictObject({ id: z.string(), name: z.string(), state: z.string() })),
    /** When a container last used it (or a child image), ISO 8601; see `lastUsedSource`. */
    lastUsed: z.string(),
    /** `event`: seen used; `child`: inherited from a child image; `created`: never seen used. */
    lastUsedSource: z.enum(['event', 'child', 'created']),
    /** Matched by a protected pattern or label in Settings: no cleanup touches it. */
    protected: z.boolean(),
  }),
)

export type ImageView = z.infer<typeof ImageViewSchema>

/**
 * Another image holding some of an image's layers, and how many bytes of them: asked for when a
 * row's details open (`getImageSharers`), not with the list, since a base layer can be shared by
 * thousands of images.
 */
export const ImageSharerSchema = lazySchema(() =>
  z.strictObject({ id: z.string(), bytes: z.number().nonnegative() }),
)

export type ImageSharer = z.infer<typeof ImageSharerSchema>

/** The most sharers an answer lists, biggest first. */
export const MAX_IMAGE_SHARERS = 20
