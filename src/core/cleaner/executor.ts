/**
 * Runs a plan: exactly the items it lists, in a safe order — containers, then images and
 * volumes, then build cache; within that, never an image before the planned items of its child
 * images — each item re-checked against fresh engine state first and skipped (never forced)
 * when the world moved since the plan. Every outcome is journaled as it happens, so a crash
 * leaves a readable record.
 */
import type Docker from 'dockerode'
import type { CleanItemResult, CleanResult, ItemKind, Plan, PlanItem } from '../../shared/cleanup'
import type { EngineInfo } from '../../shared/contract'
import type { RunTrigger } from '../../shared/history'
import type { JsonGet, JsonRequest } from '../engine/json-get'
import { nameProtection } from '../planner/kind-rules'
import { protectionRules } from '../planner/policy'
import type { PlannedItem } from '../store/run-records'
import { messageOf, runItem, type RunContext } from './item-runner'
import { EngineWatch } from './recheck'
import { RecordPruner } from './record-pruner'

export { recheckImage as recheckItem } from './item-runner'

export interface CleanupJournal {
  startRun(input: {
    trigger: RunTrigger
    mode: 'safe' | 'forced'
    selection: unknown
    engineHost: string
    engineId?: string | null
    predictedBytes: number
    items: PlannedItem[]
  }): string
  /** Written just before an item's first engine request, so a crash leaves it uncertain. */
  startItem(runId: string, seq: number): void
  recordItem(
    runId: string,
    seq: number,
    outcome: { outcome: CleanItemResult['outcome']; reclaimedBytes: number; error?: string | null },
  ): void
  finishRun(
    runId: string,
    result: { status: CleanResult['status']; reclaimedBytes: number; error?: string | null },
  ): void
}

export interface ExecuteOptions {
  docker: Docker
  /** The lean requests for the per-image re-read and delete (see RunContext). */
  get?: JsonGet | null
  send?: JsonRequest | null
  /** The run's view of the engine, opened by the caller (the run then owns and closes it);
   * opened here when absent. */
  watch?: EngineWatch
  plan: Plan
  journal: CleanupJournal
  trigger: RunTrigger
  /** Bytes of each layer (chain ID). */
  layerSizes: ReadonlyMap<string, number>
  /** The layers the plan credited to each build cache record (PlanLedger): without them, a layer
   * an image freed would count again with its record. */
  recordLayers: ReadonlyMap<string, readonly string[]>
  /** Podman answers deletes differently (docs/engine-rules.md §9). Default: docker. */
  engineKind?: EngineInfo['engineKind']
  /** Called once the run is journaled, before the first change: its id names it for cancelling. */
  onStarted?: (runId: string) => void
  /** Before each item starts, and with its outcome (`item`) once it is journaled. */
  onProgress?: (progress: {
    runId: string
    done: number
    total: number
    message: string
    item?: CleanItemResult & { seq: number }
  }) => void
  signal?: AbortSignal
  /** Protection to re-check against, when newer than the plan's (Settings read at run start). */
  protection?: Pick<Plan['selection'], 'protect' | 'protectLabels'>
}

/** Items in flight at once. Docker removes layers one at a time (under its layer store's lock),
 * and saves its references under another: with 8, the engine always has a delete to work on
 * while the answers of others are read (2,000 images: 8 in flight ~15% faster than 4). */
const CONCURRENCY = 8
/** Podman: its storage serializes deletes under one lock anyway, and listing images while one
 * is being deleted fails (500 "retrieving label for image …"): one item at a time. */
const PODMAN_CONCURRENCY = 1

/** Holders before what they hold: a container before its image and volumes, images before the
 * build cache records that also hold their layers. */
const PHASE: Record<ItemKind, number> = { container: 0, image: 1, volume: 1, 'build-cache': 2 }
/** Records queued for the next prune request at most: the filter is one regular expression. */
const RECORDS_IN_FLIGHT = 100

function isForced(item: PlanItem): boolean {
  return item.requests.some(
    (r) => (r.kind === 'delete-image' && r.force) || (r.kind === 'remove-container' && r.stop),
  )
}

/** The run and its items, journaled before any change: a crash from here on leaves a record. */
function journalRun(options: ExecuteOptions, runnable: PlanItem[]): string {
  const { plan } = options
  return options.journal.startRun({
    trigger: options.trigger,
    mode: runnable.some(isForced) ? 'forced' : 'safe',
    selection: plan.selection,
    engineHost: plan.engine.host,
    engineId: plan.engine.id || null,
    predictedBytes: plan.reclaimBytes,
    items: runnable.map((item) => ({
      kind: item.kind,
      id: item.id,
      name: item.name,
      tags: item.tags,
      digests: item.digests,
      predictedAction: item.action,
      predictedBytes: item.reclaimBytes,
    })),
  })
}

export async function executePlan(options: ExecuteOptions): Promise<CleanResult> {
  const { docker, plan, journal } = options
  const runnable = plan.items.filter((item) => item.requests.length > 0)
  let runId: string
  try {
    runId = journalRun(options, runnable)
  } catch (error) {
    options.watch?.close()
    throw error
  }
  options.onStarted?.(runId)

  const watch =
    options.watch ?? (await EngineWatch.open(docker, options.engineKind ?? 'docker', options.get))
  const ctx: RunContext = {
    docker,
    get: options.get ?? null,
    send: options.send ?? null,
    watch,
    layerSizes: options.layerSizes,
    predictedBytes: (item) => item.reclaimBytes,
    // The protection in force when the run starts (Settings may have changed since the plan).
    protection: protectionRules(options.protection ?? plan.selection),
    protectsName: nameProtection(options.protection ?? plan.selection),
    goingImages: new Set(
      runnable.filter((i) => i.kind === 'image' && i.action === 'delete').map((i) => i.id),
    ),
    plannedImages: new Set(runnable.filter((i) => i.kind === 'image').map((i) => i.id)),
    plannedContainers: new Set(runnable.filter((i) => i.kind === 'container').map((i) => i.id)),
    engineKind: options.engineKind ?? 'docker',
    plannedAt: Date.parse(plan.createdAt),
    removedByEngine: new Set(),
    containersKept: new Set(),
    recordLayers: options.recordLayers,
    freedLayers: new Set(),
    records: new RecordPruner(docker, options.signal),
  }
  const results: { result: CleanItemResult; seq: number }[] = []
  let cancelled = false
  try {
    cancelled = await runScheduled(
      runnable,
      async (item, seq) => {
        options.onProgress?.({
          runId,
          done: results.length,
          total: runnable.length,
          message: `${item.name}: ${item.action}`,
        })
        const result = await runItem(item, ctx, () => journal.startItem(runId, seq))
        journal.recordItem(runId, seq, {
          outcome: result.outcome,
          reclaimedBytes: result.reclaimedBytes,
          error: result.error ?? null,
        })
        results.push({ result, seq })
        if (item.kind === 'container' && result.outcome !== 'deleted') {
          ctx.containersKept?.add(item.id)
        }
        options.onProgress?.({
          runId,
          done: results.length,
          total: runnable.length,
          message: `${item.name}: ${result.outcome}`,
          item: { ...result, seq },
        })
      },
      options.signal,
      options.engineKind === 'podman' ? PODMAN_CONCURRENCY : CONCURRENCY,
      options.engineKind !== 'podman',
    )
  } catch (error) {
    try {
      journal.finishRun(runId, {
        status: 'failed',
        reclaimedBytes: sum(results.map((r) => r.result)),
        error: messageOf(error),
      })
    } catch {
      // The journal itself failed (locked, disk full): the first error is the one to report;
      // the run stays open and is marked interrupted at the next start.
    }
    throw error
  } finally {
    watch.close()
  }
  // Report in plan order, whatever order they finished in.
  const items = results.sort((a, b) => a.seq - b.seq).map((r) => r.result)
  const failed = items.some((result) => result.outcome === 'failed')
  const status: CleanResult['status'] = cancelled
    ? 'cancelled'
    : failed
      ? items.every((r) => r.outcome === 'failed')
        ? 'failed'
        : 'partial'
      : 'done'
  journal.finishRun(runId, { status, reclaimedBytes: sum(items) })
  return { runId, status, items, predictedBytes: plan.reclaimBytes, reclaimedBytes: sum(items) }
}

/**
 * Items run a few at a time (the engine removes independent things in parallel faster than one
 * by one), phase by phase, and never before the items it waits for (`after`: its child images,
 * its child build cache records, the containers made from it) have finished. With `interleave`
 * (Docker), an image's delete and a volume are in the first phase, held only by what uses them.
 * When a run is cancelled or fails, the items in flight are awaited (and journaled) before it
 * ends. Resolves with true when cancelled before every item started.
 */
async function runScheduled(
  items: PlanItem[],
  run: (item: PlanItem, seq: number) => Promise<void>,
  signal: AbortSignal | undefined,
  concurrency: number,
  interleave: boolean,
): Promise<boolean> {
  const planned = new Set(items.map((item) => item.id))
  const finished = new Set<string>()
  const waiting = items.map((item, seq) => ({ item, seq }))
  const inFlight = new Map<number, Promise<void>>()
  // The first item that threw (the journal failing): the rest are not started.
  const failure: { error?: unknown; failed: boolean } = { failed: false }
  // On Docker an image's delete waits for the containers that use it (in its `after`) and a
  // volume for those that mount it, not for every container: the engine removes them side by
  // side. An untag stays behind every container (the engine refuses to untag a reference a
  // container was made from), and Podman keeps the phases (one item at a time anyway).
  const byDependency = (item: PlanItem) =>
    interleave && ((item.kind === 'image' && item.action === 'delete') || item.kind === 'volume')
  const phaseOf = (item: PlanItem) => (byDependency(item) ? 0 : PHASE[item.kind])
  const waitsFor = (item: PlanItem) =>
    item.kind === 'volume' && byDependency(item)
      ? [
          ...item.after,
          ...item.affectedContainers.flatMap((c) => (c.effect === 'removed' ? [c.id] : [])),
        ]
      : item.after
  const ready = (item: PlanItem, phase: number) =>
    phaseOf(item) <= phase && waitsFor(item).every((id) => !planned.has(id) || finished.has(id))
  /** Items waiting or in flight, by phase: counted, not searched for before each start. */
  const left = new Map<number, number>()
  for (const { item } of waiting) left.set(phaseOf(item), (left.get(phaseOf(item)) ?? 0) + 1)
  /** The earliest phase with work left: a later phase waits until it is done. */
  const currentPhase = () => {
    let phase = Infinity
    for (const [at, count] of left) if (count > 0) phase = Math.min(phase, at)
    return phase
  }

  while (waiting.length > 0 || inFlight.size > 0) {
    if (signal?.aborted || failure.failed) {
      await Promise.allSettled(inFlight.values())
      if (failure.failed) throw failure.error
      return waiting.length > 0
    }
    // Build cache records in flight only wait for their turn in one prune request
    // (record-pruner.ts): as many as are ready, so that they share it.
    const limit = currentPhase() === PHASE['build-cache'] ? RECORDS_IN_FLIGHT : concurrency
    const phase = inFlight.size < limit ? currentPhase() : -1
    let next = -1
    if (phase >= 0) {
      // What waited for containers goes as soon as it may, so it runs while containers still go.
      if (interleave) {
        next = waiting.findIndex(({ item }) => item.kind !== 'container' && ready(item, phase))
      }
      if (next < 0) next = waiting.findIndex(({ item }) => ready(item, phase))
    }
    if (next >= 0) {
      const { item, seq } = waiting.splice(next, 1)[0]!
      inFlight.set(
        seq,
        run(item, seq)
          .catch((error: unknown) => {
            if (failure.failed) return
            failure.failed = true
            failure.error = error
          })
          .finally(() => {
            finished.add(item.id)
            inFlight.delete(seq)
            left.set(phaseOf(item), left.get(phaseOf(item))! - 1)
          }),
      )
      continue
    }
    await Promise.race(inFlight.values())
  }
  if (failure.failed) throw failure.error
  return false
}

function sum(results: CleanItemResult[]): number {
  return results.reduce((total, result) => total + result.reclaimedBytes, 0)
}
