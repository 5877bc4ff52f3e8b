/** Past cleanup runs as the log records them (`drydock history --json`, the History page). */
import { z } from 'zod'
import { ACTIONS, ITEM_KINDS, OUTCOMES } from './cleanup'
import { forCsv } from './sanitize'

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

export const RunItemRecordSchema = z.strictObject({
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
})

export const RunSummarySchema = z.strictObject({
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
})

export const RunDetailSchema = RunSummarySchema.extend({ items: z.array(RunItemRecordSchema) })

export type RunSummary = z.infer<typeof RunSummarySchema>
export type RunDetail = z.infer<typeof RunDetailSchema>
export type RunItemRecord = z.infer<typeof RunItemRecordSchema>
export type RunTrigger = (typeof RUN_TRIGGERS)[number]
export type RunMode = (typeof RUN_MODES)[number]
export type RunStatus = (typeof RUN_STATUSES)[number]
export type FinishedRunStatus = (typeof FINISHED_RUN_STATUSES)[number]

/**
 * A repository digest as the engine reports it: `[registry[:port]/]path@sha256:<64 hex>`, in
 * lower case, components joined by the reference grammar's separators. Nothing a shell would
 * read as more than one word (no spaces, quotes, `$`, `;`, backticks), and no leading `-`.
 */
const DIGEST_REFERENCE =
  /^[a-z0-9]+(?:(?:[._]|__|-+|\/)[a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*@sha256:[0-9a-f]{64}$/

/** Whether `reference` is a digest reference that is safe to print as a command's argument. */
export function isDigestReference(reference: string): boolean {
  return reference.length <= 512 && DIGEST_REFERENCE.test(reference)
}

/**
 * The command that brings a removed image back, when it came from a registry: its repository
 * digest names the exact content. Images built or loaded locally have none and cannot be pulled;
 * a digest that is not a well-formed reference (the log holds what the engine said) gets no hint.
 */
export function restoreCommand(item: { digests: string[]; outcome: string | null }): string | null {
  if (item.outcome !== 'deleted' && item.outcome !== 'untagged') return null
  const digest = item.digests.find(isDigestReference)
  return digest ? `docker pull ${digest}` : null
}

const CSV_COLUMNS = [
  'run_id',
  'started_at',
  'finished_at',
  'status',
  'trigger',
  'mode',
  'engine_host',
  'seq',
  'kind',
  'id',
  'name',
  'tags',
  'digests',
  'predicted_action',
  'predicted_bytes',
  'outcome',
  'reclaimed_bytes',
  'error',
] as const

function csvField(value: string | number | null): string {
  // Numbers are written as they are; text from the engine or the log is neutralized.
  const text = value === null ? '' : typeof value === 'number' ? String(value) : forCsv(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** One line per item (RFC 4180), for spreadsheets and audits. */
export function runsToCsv(runs: RunDetail[]): string {
  const lines = [CSV_COLUMNS.join(',')]
  for (const run of runs) {
    for (const item of run.items) {
      lines.push(
        [
          run.id,
          run.startedAt,
          run.finishedAt,
          run.status,
          run.trigger,
          run.mode,
          run.engineHost,
          item.seq,
          item.kind,
          item.id,
          item.name,
          item.tags.join(' '),
          item.digests.join(' '),
          item.predictedAction,
          item.predictedBytes,
          item.outcome,
          item.reclaimedBytes,
          item.error,
        ]
          .map(csvField)
          .join(','),
      )
    }
  }
  return `${lines.join('\r\n')}\r\n`
}
