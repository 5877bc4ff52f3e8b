/**
 * Cleanup plans and their results: the shapes `drydock plan --json` and `drydock clean --json`
 * print (a contract with scripts, see docs/architecture.md) and the UI shows.
 */
import { z } from 'zod'
import { lazySchema } from './lazy-schema'
import { ITEM_KINDS } from './item-kinds'

/** `30d`, `12h`, `90m`, `45s`, `2w`: a count and a unit. */
export const DURATION_PATTERN = /^(\d+)(s|m|h|d|w)$/

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 } as const

/** Seconds in a duration string, or null when it is not one. */
export function parseDuration(text: string): number | null {
  const match = DURATION_PATTERN.exec(text.trim())
  if (!match) return null
  return Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS]
}

const Duration = lazySchema(() =>
  z.string().refine((text) => parseDuration(text) !== null, {
    message: 'expected a duration such as 30d, 12h, 90m or 2w',
  }),
)

const LabelSelector = lazySchema(() =>
  z.string().regex(/^[^=\s]+(=.*)?$/, 'expected KEY or KEY=VALUE'),
)

export { ITEM_KINDS, type ItemKind } from './item-kinds'

export const SelectionSchema = lazySchema(() =>
  z
    .strictObject({
      /** `default`: the default policy of Settings, resolved by the service that plans (so the
       * window, the tray and `watch` never merge policy or protection themselves). */
      policy: z.enum(['default']).nullable().default(null),
      /** What `docker system prune` removes: dangling images, stopped containers, unused build
       * cache (volumes only when also asked). Resolved into those three by the service. */
      system: z.boolean().default(false),
      dangling: z.boolean().default(false),
      unused: z.boolean().default(false),
      images: z.array(z.string().min(1)).default([]),
      /** With `images`: as `docker rmi -f`; with `containers`: stop a running one first. */
      force: z.boolean().default(false),
      /** With `images` or `volumes`: remove (stopping if need be) the containers using them. */
      withContainers: z.boolean().default(false),
      /** Containers that are not running (`docker container prune`). */
      stoppedContainers: z.boolean().default(false),
      /** Containers by name or ID. */
      containers: z.array(z.string().min(1)).default([]),
      /** Anonymous volumes no container mounts. Named volumes hold people's data: never by a
       * policy, only by `volumes`. */
      unusedVolumes: z.boolean().default(false),
      /** Volumes by name. */
      volumes: z.array(z.string().min(1)).default([]),
      /** Build cache records not in use (`docker builder prune -a`). */
      buildCache: z.boolean().default(false),
      /** Build cache records by ID (as a plan's hint offers them). */
      cacheRecords: z.array(z.string().min(1)).default([]),
      /** With `buildCache`: keep the most recently used records up to this many bytes. */
      keepStorage: z.number().int().nonnegative().nullable().default(null),
      /** Per kind: images built, containers exited, build cache last used more than this ago. */
      olderThan: Duration.nullable().default(null),
      /** Only images not used (by a container, or a child image) for this long: least recently
       * used first, as docuum does. Images never seen used count from their build time. Build
       * cache: not used by a build for this long. */
      unusedFor: Duration.nullable().default(null),
      keepLast: z.number().int().positive().nullable().default(null),
      /** Least recently used images and build cache nothing holds go, oldest use first, until what
       * Docker keeps of those two kinds is at or under this many bytes (as docuum does). */
      targetSize: z.number().int().nonnegative().nullable().default(null),
      /** With `unusedFor`: remove images even when the engine may have lost uses of them (its
       * event buffer overflowed or it restarted since Drydock last read it). */
      acceptUnknownUse: z.boolean().default(false),
      /** At most 1,024 characters each, as Settings' protectedPatterns. */
      protect: z
        .array(z.string().min(1).max(1024, 'a protected pattern is at most 1,024 characters'))
        .default([]),
      protectLabels: z.array(LabelSelector).default([]),
    })
    .superRefine((selection, context) => {
      if (
        selection.policy === null &&
        !selection.system &&
        !selection.dangling &&
        !selection.unused &&
        selection.images.length === 0 &&
        selection.keepLast === null &&
        selection.targetSize === null &&
        !selection.stoppedContainers &&
        selection.containers.length === 0 &&
        !selection.unusedVolumes &&
        selection.volumes.length === 0 &&
        !selection.buildCache &&
        selection.cacheRecords.length === 0
      ) {
        context.addIssue({
          code: 'custom',
          message:
            'choose what to clean: --dangling, --unused, --image REF, --keep-last N, --target-size SIZE, --build-cache, --stopped-containers, --container REF, --unused-volumes, --volume NAME or --system',
        })
      }
      if (
        selection.images.length > 0 &&
        (selection.dangling ||
          selection.unused ||
          selection.keepLast !== null ||
          selection.targetSize !== null ||
          selection.policy !== null)
      ) {
        context.addIssue({
          code: 'custom',
          message:
            '--image names images one by one: it does not combine with --dangling, --unused, --keep-last, --target-size or a policy (make two plans)',
        })
      }
      if (selection.force && selection.images.length === 0 && selection.containers.length === 0) {
        context.addIssue({
          code: 'custom',
          message: '--force applies to --image and --container only',
        })
      }
      if (
        selection.withContainers &&
        selection.images.length === 0 &&
        selection.volumes.length === 0
      ) {
        context.addIssue({
          code: 'custom',
          message: '--with-containers applies to --image and --volume only',
        })
      }
      if (selection.keepStorage !== null && !selection.buildCache && !selection.system) {
        context.addIssue({
          code: 'custom',
          message: '--keep-storage applies to --build-cache only',
        })
      }
    }),
)

export type Selection = z.output<typeof SelectionSchema>
export type SelectionInput = z.input<typeof SelectionSchema>

export const ACTIONS = ['delete', 'untag', 'blocked', 'keep'] as const
export const BLOCKER_KINDS = [
  'running-container',
  'stopped-container',
  'child-image',
  'multiple-references',
  'protected',
  'filtered',
  /** A build cache record a build is using now. */
  'in-use',
] as const

export const BlockerSchema = lazySchema(() =>
  z.strictObject({
    kind: z.enum(BLOCKER_KINDS),
    /** What blocks: a container name, a child image, a protecting rule. */
    ref: z.string(),
  }),
)

/** What the plan does to a container that uses a planned image. */
export const CONTAINER_EFFECTS = [
  /** Stopped (if running) and removed first, by --with-containers. */
  'removed',
  /** Keeps its files and keeps working, but its image is deleted under it: it cannot be
   * recreated from this image, and its layers stay on disk until it is removed. */
  'orphaned',
  /** Keeps running; the image loses its tag and stays as <none>. */
  'untagged-under',
  /** Unchanged; it is why the image cannot go. */
  'blocks',
  /** Unchanged and unaffected. */
  'none',
] as const

export const AffectedContainerSchema = lazySchema(() =>
  z.strictObject({
    id: z.string(),
    name: z.string(),
    state: z.string(),
    effect: z.enum(CONTAINER_EFFECTS),
  }),
)

/** One request the executor sends, in order. */
export const EngineRequestSchema = lazySchema(() =>
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('remove-container'), id: z.string(), stop: z.boolean() }),
    z.strictObject({ kind: z.literal('delete-image'), name: z.string(), force: z.boolean() }),
    z.strictObject({ kind: z.literal('remove-volume'), name: z.string() }),
    z.strictObject({ kind: z.literal('remove-build-cache'), id: z.string() }),
  ]),
)

/** Something else that holds this item's bytes, so removing it alone frees less. */
export const HolderSchema = lazySchema(() =>
  z.strictObject({
    kind: z.enum(ITEM_KINDS),
    id: z.string(),
    name: z.string(),
  }),
)

/** A way to free more than this plan does: the items to add, and the bytes they bring back. */
export const PlanHintSchema = lazySchema(() =>
  z.strictObject({
    message: z.string(),
    /** The selection to add to this plan's (e.g. the build cache records holding its layers). */
    add: z.strictObject({ cacheRecords: z.array(z.string()) }),
    reclaimBytes: z.number().nonnegative(),
  }),
)

export const PlanItemSchema = lazySchema(() =>
  z.strictObject({
    kind: z.enum(ITEM_KINDS),
    id: z.string(),
    /** What people call it: an image's first reference, a container's or volume's name, a build
     * cache record's description. */
    name: z.string(),
    tags: z.array(z.string()),
    digests: z.array(z.string()),
    action: z.enum(ACTIONS),
    /** References this item removes (for `delete`, every reference). */
    untag: z.array(z.string()),
    reason: z.string(),
    blockers: z.array(BlockerSchema),
    affectedContainers: z.array(AffectedContainerSchema),
    reclaimBytes: z.number().nonnegative(),
    /** What else holds this item's bytes (build cache records holding an image's layers...). */
    heldBy: z.array(HolderSchema),
    /** Compose project of a container or volume; null elsewhere. */
    project: z.string().nullable(),
    requests: z.array(EngineRequestSchema),
    /** Items of this plan that must be done first (child images, child build cache records, the
     * containers that used an image): the engine refuses a parent while a child exists, and an
     * image while a container uses it. */
    after: z.array(z.string()),
  }),
)

export const PlanSchema = lazySchema(() =>
  z.strictObject({
    /** Names this plan for `runCleanup`; plans live in the service that made them. */
    id: z.string(),
    /** The engine it was made on: running it anywhere else is refused. */
    engine: z.strictObject({
      host: z.string(),
      id: z.string(),
      version: z.string(),
      imageStore: z.enum(['graphdriver', 'containerd']),
    }),
    selection: SelectionSchema,
    createdAt: z.string(),
    items: z.array(PlanItemSchema),
    reclaimBytes: z.number().nonnegative(),
    /** Bytes that really come back, by kind. */
    reclaimByKind: z.strictObject({
      image: z.number().nonnegative(),
      container: z.number().nonnegative(),
      volume: z.number().nonnegative(),
      'build-cache': z.number().nonnegative(),
    }),
    hints: z.array(PlanHintSchema),
    /** With `targetSize`: the usage of images and build cache before and after, and why it stops. */
    target: z
      .strictObject({
        bytes: z.number().nonnegative(),
        before: z.number().nonnegative(),
        after: z.number().nonnegative(),
        met: z.boolean(),
        reason: z.string(),
      })
      .nullable(),
  }),
)

export type Blocker = z.infer<typeof BlockerSchema>
export type AffectedContainer = z.infer<typeof AffectedContainerSchema>
export type EngineRequest = z.infer<typeof EngineRequestSchema>
export type PlanItem = z.infer<typeof PlanItemSchema>
export type Plan = z.infer<typeof PlanSchema>
export type Holder = z.infer<typeof HolderSchema>
export type PlanHint = z.infer<typeof PlanHintSchema>

export const OUTCOMES = ['deleted', 'untagged', 'skipped', 'failed'] as const

export const CleanItemResultSchema = lazySchema(() =>
  z.strictObject({
    kind: z.enum(ITEM_KINDS),
    id: z.string(),
    name: z.string(),
    tags: z.array(z.string()),
    outcome: z.enum(OUTCOMES),
    error: z.string().optional(),
    reclaimedBytes: z.number().nonnegative(),
  }),
)

export const CleanResultSchema = lazySchema(() =>
  z.strictObject({
    runId: z.string(),
    status: z.enum(['done', 'partial', 'failed', 'cancelled']),
    items: z.array(CleanItemResultSchema),
    predictedBytes: z.number().nonnegative(),
    reclaimedBytes: z.number().nonnegative(),
  }),
)

export type Action = (typeof ACTIONS)[number]
export type Outcome = (typeof OUTCOMES)[number]
export type CleanItemResult = z.infer<typeof CleanItemResultSchema>
export type CleanResult = z.infer<typeof CleanResultSchema>

/** How many items ended each way: the one count the CLI, the tray, `watch` and the window print. */
export function countOutcomes(
  items: readonly { outcome: Outcome | null }[],
): Record<Outcome, number> {
  const counts: Record<Outcome, number> = { deleted: 0, untagged: 0, skipped: 0, failed: 0 }
  for (const item of items) if (item.outcome !== null) counts[item.outcome] += 1
  return counts
}
