/** Past cleanup runs as the log records them (`drydock history --json`, the History page). */
import { z } from 'zod'
import { lazySchema } from './lazy-schema'
import { ACTIONS, ITEM_KINDS, OUTCOMES } from './cleanup'

export { isDigestReference, restoreCommand, runsToCsv } from './history-text'

/** What started a run: the one list the contract, the log's schema and the UI share. */
export const RUN_TRIGGERS = ['manual', 'tray', 'schedule', 'threshold', 'cli'] as const
export const RUN_MODES = ['safe', 'forced'] as const
export const RUN_STATUSES = [
  'running',
  'done',
  'partial',
  'failed',
  'cancelled',
  'interrupted',
] as const
/** The statuses a run can be closed with; 'interrupted' is only set by start-up recovery. */
export const FINISHED_RUN_STATUSES = ['done', 'partial', 'failed', 'cancelled'] as const

export const RunItemRecordSchema = lazySchema(() =>
  z.strictObject({
    seq: z.number().int(),
    kind: z.enum(ITEM_KINDS),
    /** Image ID, container ID, volume name or build cache record ID. */
    id: z.string(),
    name: z.string(),
    tags: z.array(z.string()),
    digests: z.array(z.string()),
    predictedAction: z.enum(ACTIONS),
    predictedBytes: z.number(),
    /** null: planned but not done (yet, or ever, if the run was interrupted). */
    outcome: z.enum(OUTCOMES).nullable(),
    reclaimedBytes: z.number().nullable(),
    error: z.string().nullable(),
    finishedAt: z.string().nullable(),
  }),
)

export const RunSummarySchema = lazySchema(() =>
  z.strictObject({
    id: z.string(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    trigger: z.enum(RUN_TRIGGERS),
    mode: z.enum(RUN_MODES),
    selection: z.unknown(),
    engineHost: z.string(),
    engineId: z.string().nullable(),
    status: z.enum(RUN_STATUSES),
    predictedBytes: z.number(),
    reclaimedBytes: z.number().nullable(),
    itemCount: z.number().int(),
    error: z.string().nullable(),
  }),
)

export const RunDetailSchema = lazySchema(() =>
  RunSummarySchema.extend({ items: z.array(RunItemRecordSchema) }),
)

export type RunSummary = z.infer<typeof RunSummarySchema>
export type RunDetail = z.infer<typeof RunDetailSchema>
export type RunItemRecord = z.infer<typeof RunItemRecordSchema>
export type RunTrigger = (typeof RUN_TRIGGERS)[number]
export type RunMode = (typeof RUN_MODES)[number]
export type RunStatus = (typeof RUN_STATUSES)[number]
export type FinishedRunStatus = (typeof FINISHED_RUN_STATUSES)[number]
