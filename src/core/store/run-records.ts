/** The journal's records as the rest of Drydock sees them, and their mapping from table rows. */

import type {
  FinishedRunStatus,
  RunDetail,
  RunItemRecord,
  RunMode,
  RunStatus,
  RunSummary,
  RunTrigger,
} from '../../shared/history'
import type { Action, ItemKind, Outcome } from '../../shared/cleanup'

export type {
  FinishedRunStatus,
  RunDetail,
  RunItemRecord,
  RunMode,
  RunStatus,
  RunSummary,
  RunTrigger,
}
export type PredictedAction = Action
export type ItemOutcome = Outcome

export interface PlannedItem {
  kind: ItemKind
  /** Image ID, container ID, volume name or build cache record ID. */
  id: string
  name: string
  tags: string[]
  /** Repository digests: what `docker pull repo@sha256:…` needs to bring the image back. */
  digests: string[]
  predictedAction: PredictedAction
  predictedBytes: number
}

export interface StartRunInput {
  trigger: RunTrigger
  mode: RunMode
  selection: unknown
  engineHost: string
  engineId?: string | null
  predictedBytes: number
  /** In plan order; an item's seq is its index here. */
  items: PlannedItem[]
}

export interface ItemOutcomeInput {
  outcome: ItemOutcome
  reclaimedBytes: number
  error?: string | null
}

export interface RunResult {
  status: FinishedRunStatus
  reclaimedBytes: number
  error?: string | null
}

export interface RunRow {
  id: string
  started_at: string
  finished_at: string | null
  trigger: RunTrigger
  mode: RunMode
  selection_json: string
  engine_host: string
  engine_id: string | null
  status: RunStatus
  predicted_bytes: number
  reclaimed_bytes: number | null
  item_count: number
  error: string | null
}

export interface RunItemRow {
  seq: number
  kind: ItemKind
  item_id: string
  name: string
  tags_json: string
  digests_json: string
  predicted_action: PredictedAction
  predicted_bytes: number
  outcome: ItemOutcome | null
  reclaimed_bytes: number | null
  error: string | null
  finished_at: string | null
}

export const RUN_COLUMNS =
  'id, started_at, finished_at, trigger, mode, selection_json, engine_host, engine_id, status, ' +
  'predicted_bytes, reclaimed_bytes, item_count, error'

export const RUN_ITEM_COLUMNS =
  'seq, kind, item_id, name, tags_json, digests_json, predicted_action, predicted_bytes, outcome, ' +
  'reclaimed_bytes, error, finished_at'

// The log must stay readable even if a value was damaged by hand: a bad JSON column reads as
// empty rather than making the whole history fail.
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return null
  }
}

function parseStringArray(text: string): string[] {
  const value = parseJson(text)
  return Array.isArray(value)
    ? value.filter((entry): entry is string => typeof entry === 'string')
    : []
}

export function toRunSummary(row: RunRow): RunSummary {
  return {
    id: row.id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    trigger: row.trigger,
    mode: row.mode,
    selection: parseJson(row.selection_json),
    engineHost: row.engine_host,
    engineId: row.engine_id,
    status: row.status,
    predictedBytes: row.predicted_bytes,
    reclaimedBytes: row.reclaimed_bytes,
    itemCount: row.item_count,
    error: row.error,
  }
}

/**
 * A tagged image is named by its first tag: the name is stored only when it says something more
 * ('' otherwise), which keeps a year of runs ~2 MB smaller. Read back by `nameOf`.
 */
export function storedName(item: { kind: string; name: string; tags: readonly string[] }): string {
  return item.kind === 'image' && item.tags.length > 0 && item.name === item.tags[0]
    ? ''
    : item.name
}

function nameOf(kind: string, stored: string, tags: readonly string[]): string {
  return stored === '' && kind === 'image' ? (tags[0] ?? '') : stored
}

export function toRunItemRecord(row: RunItemRow): RunItemRecord {
  const tags = parseStringArray(row.tags_json)
  return {
    seq: row.seq,
    kind: row.kind,
    id: row.item_id,
    name: nameOf(row.kind, row.name, tags),
    tags,
    digests: parseStringArray(row.digests_json),
    predictedAction: row.predicted_action,
    predictedBytes: row.predicted_bytes,
    outcome: row.outcome,
    reclaimedBytes: row.reclaimed_bytes,
    error: row.error,
    finishedAt: row.finished_at,
  }
}
