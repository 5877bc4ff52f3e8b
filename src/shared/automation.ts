/** Automatic cleanups as the log records them, and what the next one would do. */
import { z } from 'zod'
import { lazySchema } from './lazy-schema'

export const AutomaticRunSchema = lazySchema(() =>
  z.strictObject({
    id: z.string(),
    at: z.string(),
    trigger: z.enum(['schedule', 'threshold']),
    /** `started`: a run with `runId` is in the history; the others say why there is none. */
    outcome: z.enum(['started', 'skipped', 'nothing-to-do', 'failed']),
    reason: z.string(),
    runId: z.string().nullable(),
    engineHost: z.string(),
  }),
)

export const AutomationStatusSchema = lazySchema(() =>
  z.strictObject({
    enabled: z.boolean(),
    /** When the schedule runs next; null when off (or no schedule). */
    nextAt: z.string().nullable(),
    /** What the policy would remove now: a preview, not a promise (the engine moves). */
    wouldRemove: z
      .strictObject({ items: z.number().int().nonnegative(), bytes: z.number().nonnegative() })
      .nullable(),
    /** Why `wouldRemove` is missing (engine unreachable, ...); null when it is there. */
    previewError: z.string().nullable(),
    recent: z.array(AutomaticRunSchema),
  }),
)

export type AutomaticRun = z.infer<typeof AutomaticRunSchema>
export type AutomationStatus = z.infer<typeof AutomationStatusSchema>
