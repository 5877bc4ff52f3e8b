/**
 * The run journal: a run and its planned items are committed before the first deletion, each
 * item's outcome is committed the moment it is known, so a crash leaves a record of exactly
 * what was done.
 */
import { randomUUID } from 'node:crypto'
import type BetterSqlite3 from 'better-sqlite3'
import type { ItemKind } from '../../shared/cleanup'
import { withStoreErrors } from './errors'
import { currentOwner, isRunOwnerAlive, runClosed, runOpened } from './run-owner'
import {
  RUN_COLUMNS,
  RUN_ITEM_COLUMNS,
  storedName,
  toRunItemRecord,
  toRunSummary,
  type ItemOutcomeInput,
  type RunDetail,
  type RunItemRow,
  type RunResult,
  type RunRow,
  type RunSummary,
  type StartRunInput,
} from './run-records'

export const DEFAULT_RUN_PAGE_SIZE = 50

export interface RunListOptions {
  limit?: number
  beforeStartedAt?: string
  /** The id of that last run: runs started in the same millisecond are not skipped. */
  beforeId?: string
  triggers?: RunSummary['trigger'][]
  statuses?: RunSummary['status'][]
  /** Only the runs on this engine. */
  engineHost?: string
  /** ISO 8601, any offset: compared as the UTC times the journal stores. */
  from?: string
  to?: string
}

const BEFORE_CURSOR = `(started_at < @before OR (@beforeId IS NOT NULL AND started_at = @before
  AND rowid < (SELECT rowid FROM runs WHERE id = @beforeId)))`

interface RunFilterParams {
  limit: number
  before: string | null
  beforeId: string | null
  from: string | null
  to: string | null
  triggers: string | null
  statuses: string | null
  engineHost: string | null
}

/** Started-at times are stored as `toISOString()` (UTC, Z): compare like with like. */
function toStoredTime(iso: string): string {
  const time = new Date(iso)
  return Number.isNaN(time.getTime()) ? iso : time.toISOString()
}
const MAX_RUN_PAGE_SIZE = 1000

interface UncertainItemRow {
  run_id: string
  seq: number
  kind: ItemKind
  item_id: string
  tags_json: string
  predicted_bytes: number
}

/** An item a crashed run had started but not recorded: the engine says what became of it. */
export interface UncertainItem {
  runId: string
  seq: number
  kind: ItemKind
  id: string
  tags: string[]
  predictedBytes: number
}

const INTERRUPTED_MESSAGE =
  'Drydock stopped before this run finished; items without an outcome were not confirmed.'

function prepareStatements(db: BetterSqlite3.Database) {
  return {
    insertRun: db.prepare(
      `INSERT INTO runs (id, started_at, trigger, mode, selection_json, engine_host, engine_id,
         status, predicted_bytes, item_count, owner_pid, owner_host)
       VALUES (@id, @startedAt, @trigger, @mode, @selectionJson, @engineHost, @engineId,
         'running', @predictedBytes, @itemCount, @ownerPid, @ownerHost)`,
    ),
    insertItem: db.prepare(
      `INSERT INTO run_items (run_id, seq, kind, item_id, name, tags_json, digests_json,
         predicted_action, predicted_bytes)
       VALUES (@runId, @seq, @kind, @id, @name, @tagsJson, @digestsJson, @predictedAction,
         @predictedBytes)`,
    ),
    completeItem: db.prepare(
      `UPDATE run_items SET outcome = @outcome, reclaimed_bytes = @reclaimedBytes, error = @error,
         finished_at = @finishedAt
       WHERE run_id = @runId AND seq = @seq AND outcome IS NULL`,
    ),
    startItem: db.prepare(
      `UPDATE run_items SET started_at = @startedAt
       WHERE run_id = @runId AND seq = @seq AND outcome IS NULL`,
    ),
    // The run's own engine: its address, and its ID when both are known (another engine can
    // answer at the same address later: Docker Desktop, Colima and OrbStack share a socket path).
    uncertainItems: db.prepare<{ engineHost: string; engineId: string | null }, UncertainItemRow>(
      `SELECT i.run_id, i.seq, i.kind, i.item_id, i.tags_json, i.predicted_bytes
       FROM run_items i JOIN runs r ON r.id = i.run_id
       WHERE r.status IN ('interrupted', 'failed') AND r.engine_host = @engineHost
         AND (@engineId IS NULL OR r.engine_id IS NULL OR r.engine_id = @engineId)
         AND i.started_at IS NOT NULL AND i.outcome IS NULL`,
    ),
    settleInterruptedRun: db.prepare(
      `UPDATE runs SET reclaimed_bytes = (SELECT coalesce(sum(reclaimed_bytes), 0) FROM run_items
                                           WHERE run_id = @id AND outcome IS NOT NULL)
       WHERE id = @id AND status IN ('interrupted', 'failed')`,
    ),
    finishRun: db.prepare(
      `UPDATE runs SET status = @status, reclaimed_bytes = @reclaimedBytes, error = @error,
         finished_at = @finishedAt
       WHERE id = @id AND status = 'running'`,
    ),
    openRuns: db.prepare<[], { id: string; owner_pid: number | null; owner_host: string | null }>(
      `SELECT id, owner_pid, owner_host FROM runs WHERE status = 'running'`,
    ),
    // finished_at stays NULL: when the run ended is not known. reclaimed_bytes is what the
    // completed items account for.
    interruptRun: db.prepare(
      `UPDATE runs SET status = 'interrupted', error = coalesce(error, @error),
         reclaimed_bytes = (SELECT coalesce(sum(reclaimed_bytes), 0) FROM run_items
                            WHERE run_id = @id AND outcome IS NOT NULL)
       WHERE id = @id AND status = 'running'`,
    ),
    newestRuns: db.prepare<{ limit: number }, RunRow>(
      `SELECT ${RUN_COLUMNS} FROM runs ORDER BY started_at DESC, rowid DESC LIMIT @limit`,
    ),
    // The cursor is the last run shown: its start time and, for runs started the same
    // millisecond, its id (ties go in rowid order, which the started_at index already holds).
    runsBefore: db.prepare<{ limit: number; before: string; beforeId: string | null }, RunRow>(
      `SELECT ${RUN_COLUMNS} FROM runs WHERE ${BEFORE_CURSOR}
       ORDER BY started_at DESC, rowid DESC LIMIT @limit`,
    ),
    // Filters as bound parameters (NULL: no filter), lists as JSON arrays.
    filteredRuns: db.prepare<RunFilterParams, RunRow>(
      `SELECT ${RUN_COLUMNS} FROM runs
       WHERE (@before IS NULL OR ${BEFORE_CURSOR})
         AND (@from IS NULL OR started_at >= @from)
         AND (@to IS NULL OR started_at <= @to)
         AND (@triggers IS NULL OR trigger IN (SELECT value FROM json_each(@triggers)))
         AND (@statuses IS NULL OR status IN (SELECT value FROM json_each(@statuses)))
         AND (@engineHost IS NULL OR engine_host = @engineHost)
       ORDER BY started_at DESC, rowid DESC LIMIT @limit`,
    ),
    run: db.prepare<[string], RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`),
    items: db.prepare<[string], RunItemRow>(
      `SELECT ${RUN_ITEM_COLUMNS} FROM run_items WHERE run_id = ? ORDER BY seq`,
    ),
  }
}

export class RunJournal {
  private readonly db: BetterSqlite3.Database
  private readonly clock: () => Date
  private readonly statements: ReturnType<typeof prepareStatements>

  constructor(db: BetterSqlite3.Database, clock: () => Date = () => new Date()) {
    this.db = db
    this.clock = clock
    this.statements = prepareStatements(db)
  }

  private now(): string {
    return this.clock().toISOString()
  }

  private guard<T>(work: () => T): T {
    return withStoreErrors(this.db, work)
  }

  /** Records the run and every planned item in one transaction; call before deleting anything. */
  startRun(input: StartRunInput): string {
    const id = randomUUID()
    const owner = currentOwner()
    const write = this.db.transaction(() => {
      this.statements.insertRun.run({
        id,
        startedAt: this.now(),
        trigger: input.trigger,
        mode: input.mode,
        selectionJson: JSON.stringify(input.selection ?? null),
        engineHost: input.engineHost,
        engineId: input.engineId ?? null,
        predictedBytes: input.predictedBytes,
        itemCount: input.items.length,
        ownerPid: owner.pid,
        ownerHost: owner.host,
      })
      input.items.forEach((item, seq) => {
        this.statements.insertItem.run({
          runId: id,
          seq,
          kind: item.kind,
          id: item.id,
          name: storedName(item),
          tagsJson: JSON.stringify(item.tags),
          digestsJson: JSON.stringify(item.digests),
          predictedAction: item.predictedAction,
          predictedBytes: item.predictedBytes,
        })
      })
    })
    this.guard(() => write.immediate())
    runOpened(id)
    return id
  }

  /** Commits one item's outcome at once (its own transaction), so a crash right after keeps it. */
  recordItem(runId: string, seq: number, outcome: ItemOutcomeInput): void {
    const result = this.guard(() =>
      this.statements.completeItem.run({
        runId,
        seq,
        outcome: outcome.outcome,
        reclaimedBytes: outcome.reclaimedBytes,
        error: outcome.error ?? null,
        finishedAt: this.now(),
      }),
    )
    if (result.changes === 0) {
      throw new Error(`Run ${runId} has no item ${seq} waiting for an outcome.`)
    }
  }

  /** Marks an item as about to touch the engine (write-ahead, so a crash leaves it uncertain). */
  startItem(runId: string, seq: number): void {
    this.guard(() => this.statements.startItem.run({ runId, seq, startedAt: this.now() }))
  }

  /** Items started but never recorded, in runs on this engine that ended without them: runs
   * interrupted by a crash, and runs failed because the engine stopped answering mid-request. */
  uncertainItems(engineHost: string, engineId: string | null = null): UncertainItem[] {
    return this.guard(() =>
      this.statements.uncertainItems.all({ engineHost, engineId: engineId || null }),
    ).map((row) => ({
      runId: row.run_id,
      seq: row.seq,
      kind: row.kind,
      id: row.item_id,
      tags: JSON.parse(row.tags_json) as string[],
      predictedBytes: row.predicted_bytes,
    }))
  }

  /** Records what the engine shows became of an uncertain item, and re-totals its run. */
  settleUncertainItem(item: UncertainItem, outcome: ItemOutcomeInput): void {
    this.guard(() =>
      this.db.transaction(() => {
        this.statements.completeItem.run({
          runId: item.runId,
          seq: item.seq,
          outcome: outcome.outcome,
          reclaimedBytes: outcome.reclaimedBytes,
          error: outcome.error ?? null,
          finishedAt: this.now(),
        })
        this.statements.settleInterruptedRun.run({ id: item.runId })
      })(),
    )
  }

  finishRun(runId: string, result: RunResult): void {
    const update = this.guard(() =>
      this.statements.finishRun.run({
        id: runId,
        status: result.status,
        reclaimedBytes: result.reclaimedBytes,
        error: result.error ?? null,
        finishedAt: this.now(),
      }),
    )
    runClosed(runId)
    if (update.changes === 0) throw new Error(`Run ${runId} is not a running run.`)
  }

  /**
   * Start-up recovery: runs left 'running' by a process that no longer exists become
   * 'interrupted', their completed items intact. Returns how many.
   */
  markInterrupted(): number {
    return this.guard(() =>
      this.db
        .transaction(() => {
          let count = 0
          for (const run of this.statements.openRuns.all()) {
            if (isRunOwnerAlive(run.id, run.owner_pid, run.owner_host)) continue
            count += this.statements.interruptRun.run({
              id: run.id,
              error: INTERRUPTED_MESSAGE,
            }).changes
          }
          return count
        })
        .immediate(),
    )
  }

  /** Newest first; pass the last run's startedAt as beforeStartedAt for the next page. */
  listRuns(options: RunListOptions = {}): RunSummary[] {
    const limit = Math.max(
      1,
      Math.min(MAX_RUN_PAGE_SIZE, Math.floor(options.limit ?? DEFAULT_RUN_PAGE_SIZE)),
    )
    const filtered =
      options.triggers !== undefined ||
      options.statuses !== undefined ||
      options.engineHost !== undefined ||
      options.from !== undefined ||
      options.to !== undefined
    const rows = this.guard(() => {
      if (filtered) {
        return this.statements.filteredRuns.all({
          limit,
          before:
            options.beforeStartedAt === undefined ? null : toStoredTime(options.beforeStartedAt),
          beforeId: options.beforeId ?? null,
          from: options.from === undefined ? null : toStoredTime(options.from),
          to: options.to === undefined ? null : toStoredTime(options.to),
          triggers: options.triggers === undefined ? null : JSON.stringify(options.triggers),
          statuses: options.statuses === undefined ? null : JSON.stringify(options.statuses),
          engineHost: options.engineHost ?? null,
        })
      }
      return options.beforeStartedAt === undefined
        ? this.statements.newestRuns.all({ limit })
        : this.statements.runsBefore.all({
            limit,
            before: toStoredTime(options.beforeStartedAt),
            beforeId: options.beforeId ?? null,
          })
    })
    return rows.map(toRunSummary)
  }

  getRun(id: string): RunDetail | null {
    return this.guard(() =>
      this.db.transaction(() => {
        // One read transaction: the run and its items from the same snapshot.
        const row = this.statements.run.get(id)
        if (!row) return null
        return { ...toRunSummary(row), items: this.statements.items.all(id).map(toRunItemRecord) }
      })(),
    )
  }
}
