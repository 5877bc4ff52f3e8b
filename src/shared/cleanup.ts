/**
 * Cleanup plans and their results: the shapes `drydock plan --json` and `drydock clean --json`
 * print (a contract with scripts, see docs/architecture.md) and the UI shows.
 */
import { z } from 'zod'

/** `30d`, `12h`, `90m`, `45s`, `2w`: a count and a unit. */
export const DURATION_PATTERN = /^(\d+)(s|m|h|d|w)$/

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 } as const

/** Seconds in a duration string, or null when it is not one. */
export function parseDuration(text: string): number | null {
  const match = DURATION_PATTERN.exec(text.trim())
  if (!match) return null
  return Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS]
}

const Duration = z.string().refine((text) => parseDuration(text) !== null, {
  message: 'expected a duration such as 30d, 12h, 90m or 2w',
})

const LabelSelector = z.string().regex(/^[^=\s]+(=.*)?$/, 'expected KEY or KEY=VALUE')

export const SelectionSchema = z
  .strictObject({
    /** `default`: the default policy of Settings, resolved by the service that plans (so the
     * window, the tray and `watch` never merge policy or protection themselves). */
    policy: z.enum(['default']).nullable().default(null),
    dangling: z.boolean().default(false),
    unused: z.boolean().default(false),
    images: z.array(z.string().min(1)).default([]),
    force: z.boolean().default(false),
    withContainers: z.boolean().default(false),
    olderThan: Duration.nullable().default(null),
    /** Only images not used (by a container, or a child image) for this long: least recently
     * used first, as docuum does. Images never seen used count from their build time. */
    unusedFor: Duration.nullable().default(null),
    keepLast: z.number().int().positive().nullable().default(null),
    protect: z.array(z.string().min(1)).default([]),
    protectLabels: z.array(LabelSelector).default([]),
  })
  .superRefine((selection, context) => {
    if (
      selection.policy === null &&
      !selection.dangling &&
      !selection.unused &&
      selection.images.length === 0 &&
      selection.keepLast === null
    ) {
      context.addIssue({
        code: 'custom',
        message: 'choose what to clean: --dangling, --unused, --image REF or --keep-last N',
      })
    }
    if ((selection.force || selection.withContainers) && selection.images.length === 0) {
      context.addIssue({
        code: 'custom',
        message: '--force and --with-containers apply to --image only',
      })
    }
  })

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
] as const

export const BlockerSchema = z.strictObject({
  kind: z.enum(BLOCKER_KINDS),
  /** What blocks: a container name, a child image, a protecting rule. */
  ref: z.string(),
})

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

export const AffectedContainerSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  state: z.string(),
  effect: z.enum(CONTAINER_EFFECTS),
})

/** One request the executor sends, in order. */
export const EngineRequestSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('remove-container'), id: z.string(), stop: z.boolean() }),
  z.strictObject({ kind: z.literal('delete-image'), name: z.string(), force: z.boolean() }),
])

export const PlanItemSchema = z.strictObject({
  id: z.string(),
  tags: z.array(z.string()),
  digests: z.array(z.string()),
  action: z.enum(ACTIONS),
  /** References this item removes (for `delete`, every reference). */
  untag: z.array(z.string()),
  reason: z.string(),
  blockers: z.array(BlockerSchema),
  affectedContainers: z.array(AffectedContainerSchema),
  reclaimBytes: z.number().nonnegative(),
  requests: z.array(EngineRequestSchema),
})

export const PlanSchema = z.strictObject({
  /** Names this plan for `runCleanup`; plans live in the service that made them. */
  id: z.string(),
  engine: z.strictObject({
    host: z.string(),
    version: z.string(),
    imageStore: z.enum(['graphdriver', 'containerd']),
  }),
  selection: SelectionSchema,
  createdAt: z.string(),
  items: z.array(PlanItemSchema),
  reclaimBytes: z.number().nonnegative(),
})

export type Blocker = z.infer<typeof BlockerSchema>
export type AffectedContainer = z.infer<typeof AffectedContainerSchema>
export type EngineRequest = z.infer<typeof EngineRequestSchema>
export type PlanItem = z.infer<typeof PlanItemSchema>
export type Plan = z.infer<typeof PlanSchema>

export const OUTCOMES = ['deleted', 'untagged', 'skipped', 'failed'] as const

export const CleanItemResultSchema = z.strictObject({
  id: z.string(),
  tags: z.array(z.string()),
  outcome: z.enum(OUTCOMES),
  error: z.string().optional(),
  reclaimedBytes: z.number().nonnegative(),
})

export const CleanResultSchema = z.strictObject({
  runId: z.string(),
  status: z.enum(['done', 'partial', 'failed', 'cancelled']),
  items: z.array(CleanItemResultSchema),
  predictedBytes: z.number().nonnegative(),
  reclaimedBytes: z.number().nonnegative(),
})

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
