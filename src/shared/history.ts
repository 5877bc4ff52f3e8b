/** Past cleanup runs as the log records them (`drydock history --json`, the History page). */
import { z } from 'zod'
import { ACTIONS, OUTCOMES } from './cleanup'

export const RunItemRecordSchema = z.strictObject({
  seq: z.number().int(),
  imageId: z.string(),
  tags: z.array(z.string()),
  digests: z.array(z.string()),
  predictedAction: z.enum(ACTIONS),
  predictedBytes: z.number(),
  /** null: planned but not done (yet, or ever, if the run was interrupted). */
  outcome: z.enum(OUTCOMES).nullable(),
  reclaimedBytes: z.number().nullable(),
  error: z.string().nullable(),
  finishedAt: z.string().nullable(),
})

export const RunSummarySchema = z.strictObject({
  id: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  trigger: z.enum(['manual', 'tray', 'schedule', 'threshold', 'cli']),
  mode: z.enum(['safe', 'forced']),
  selection: z.unknown(),
  engineHost: z.string(),
  engineId: z.string().nullable(),
  status: z.enum(['running', 'done', 'partial', 'failed', 'cancelled', 'interrupted']),
  predictedBytes: z.number(),
  reclaimedBytes: z.number().nullable(),
  itemCount: z.number().int(),
  error: z.string().nullable(),
})

export const RunDetailSchema = RunSummarySchema.extend({ items: z.array(RunItemRecordSchema) })

export type RunSummary = z.infer<typeof RunSummarySchema>
export type RunDetail = z.infer<typeof RunDetailSchema>
