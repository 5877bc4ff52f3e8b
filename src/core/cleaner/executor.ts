/**
 * Runs a plan: exactly the items it lists, in its order (children before parents), each item
 * re-checked against fresh engine state first and skipped — never forced — when the world moved
 * since the plan. Every outcome is journaled as it happens, so a crash leaves a readable record.
 */
import type Docker from 'dockerode'
import type { CleanItemResult, CleanResult, Plan, PlanItem } from '../../shared/cleanup'
import type { RunTrigger } from '../../shared/history'
import { isImageIdPrefix } from '../planner/references'
import { EngineWatch, type EngineSnapshot } from './recheck'

export interface CleanupJournal {
  startRun(input: {
    trigger: RunTrigger
    mode: 'safe' | 'forced'
    selection: unknown
    engineHost: string
    engineId?: string | null
    predictedBytes: number
    items: {
      imageId: string
      tags: string[]
      digests: string[]
      predictedAction: PlanItem['action']
      predictedBytes: number
    }[]
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
  plan: Plan
  journal: CleanupJournal
  trigger: RunTrigger
  /** Bytes of each layer (chain ID) and of each removable container's writable layer. */
  layerSizes: ReadonlyMap<string, number>
  containerSizes?: ReadonlyMap<string, number>
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
}

/** Deletions in flight at once: measured faster than one by one, gentle on a busy engine. */
const CONCURRENCY = 4

interface DeleteResponseLine {
  Untagged?: string
  Deleted?: string
}

function messageOf(error: unknown): string {
  const e = error as { json?: { message?: string }; message?: string }
  return e.json?.message ?? e.message ?? String(error)
}

/** Why an item must not run now, or null when the engine still looks as planned. */
export function recheckItem(
  item: PlanItem,
  snapshot: EngineSnapshot,
  goingIds: Set<string>,
  plannedIds: ReadonlySet<string> = new Set(),
): string | null {
  if (!snapshot.images.has(item.id)) return 'the image is already gone'
  for (const request of item.requests) {
    if (request.kind !== 'delete-image' || isImageIdPrefix(item.id, request.name)) continue
    const now = snapshot.refs.get(request.name)
    if (now !== undefined && now !== item.id)
      return `${request.name} now names another image (${now.slice(7, 19)})`
  }
  const planned = new Set(item.affectedContainers.map((container) => container.id))
  const newcomer = (snapshot.containers.get(item.id) ?? []).find(
    (container) => !planned.has(container.id),
  )
  if (newcomer) return `container ${newcomer.name} was created from this image after the plan`
  if (item.action === 'delete') {
    const staying = (snapshot.children.get(item.id) ?? []).find((child) => !goingIds.has(child))
    if (staying && plannedIds.has(staying)) {
      return `its child image ${staying.slice(7, 19)} was not removed, so the engine would refuse`
    }
    if (staying) return `image ${staying.slice(7, 19)} was built on this image after the plan`
  }
  return null
}

export async function executePlan(options: ExecuteOptions): Promise<CleanResult> {
  const { docker, plan, journal } = options
  const runnable = plan.items.filter((item) => item.requests.length > 0)
  const forced = runnable.some((item) =>
    item.requests.some((r) => r.kind === 'delete-image' && r.force),
  )
  const runId = journal.startRun({
    trigger: options.trigger,
    mode: forced ? 'forced' : 'safe',
    selection: plan.selection,
    engineHost: plan.engine.host,
    predictedBytes: plan.reclaimBytes,
    items: runnable.map((item) => ({
      imageId: item.id,
      tags: item.tags,
      digests: item.digests,
      predictedAction: item.action,
      predictedBytes: item.reclaimBytes,
    })),
  })

  options.onStarted?.(runId)
  const plannedIds = new Set(runnable.map((item) => item.id))
  // Images still expected to go; an item that fails or is skipped leaves, so its parents skip.
  const goingIds = new Set(
    runnable.filter((item) => item.action === 'delete').map((item) => item.id),
  )
  const watch = await EngineWatch.open(docker)
  const results: CleanItemResult[] = []
  const order = new Map<CleanItemResult, number>()
  let cancelled = false
  try {
    const { children } = await watch.current()
    cancelled = await runScheduled(
      runnable,
      children,
      async (item, seq) => {
        options.onProgress?.({
          runId,
          done: results.length,
          total: runnable.length,
          message: `${label(item)}: ${item.action}`,
        })
        const result = await runItem(item, goingIds, plannedIds, watch, options, () =>
          journal.startItem(runId, seq),
        )
        journal.recordItem(runId, seq, {
          outcome: result.outcome,
          reclaimedBytes: result.reclaimedBytes,
          error: result.error ?? null,
        })
        results.push(result)
        order.set(result, seq)
        options.onProgress?.({
          runId,
          done: results.length,
          total: runnable.length,
          message: `${label(item)}: ${result.outcome}`,
          item: { ...result, seq },
        })
      },
      options.signal,
    )
    // Report in plan order, whatever order they finished in.
    results.sort((a, b) => order.get(a)! - order.get(b)!)
  } catch (error) {
    try {
      journal.finishRun(runId, {
        status: 'failed',
        reclaimedBytes: sum(results),
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
  const failed = results.some((result) => result.outcome === 'failed')
  const status: CleanResult['status'] = cancelled
    ? 'cancelled'
    : failed
      ? results.every((r) => r.outcome === 'failed')
        ? 'failed'
        : 'partial'
      : 'done'
  journal.finishRun(runId, { status, reclaimedBytes: sum(results) })
  return {
    runId,
    status,
    items: results,
    predictedBytes: plan.reclaimBytes,
    reclaimedBytes: sum(results),
  }
}

/**
 * Items run a few at a time (the engine deletes independent images in parallel faster than one
 * by one), but never an image before the planned items of its child images have finished.
 * Resolves with true when cancelled before every item started.
 */
async function runScheduled(
  items: PlanItem[],
  children: ReadonlyMap<string, string[]>,
  run: (item: PlanItem, seq: number) => Promise<void>,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  const planned = new Set(items.map((item) => item.id))
  const finished = new Set<string>()
  const waiting = items.map((item, seq) => ({ item, seq }))
  const inFlight = new Map<number, Promise<void>>()
  const ready = (item: PlanItem) =>
    (children.get(item.id) ?? []).every((child) => !planned.has(child) || finished.has(child))

  while (waiting.length > 0 || inFlight.size > 0) {
    if (signal?.aborted) {
      await Promise.all(inFlight.values())
      return waiting.length > 0
    }
    const next = inFlight.size < CONCURRENCY ? waiting.findIndex(({ item }) => ready(item)) : -1
    if (next >= 0) {
      const { item, seq } = waiting.splice(next, 1)[0]!
      inFlight.set(
        seq,
        run(item, seq).finally(() => {
          finished.add(item.id)
          inFlight.delete(seq)
        }),
      )
      continue
    }
    await Promise.race(inFlight.values())
  }
  return false
}

function sum(results: CleanItemResult[]): number {
  return results.reduce((total, result) => total + result.reclaimedBytes, 0)
}

function label(item: PlanItem): string {
  return item.tags[0] ?? item.digests[0] ?? item.id.slice(7, 19)
}

async function runItem(
  item: PlanItem,
  goingIds: Set<string>,
  plannedIds: ReadonlySet<string>,
  watch: EngineWatch,
  options: ExecuteOptions,
  beforeFirstRequest: () => void,
): Promise<CleanItemResult> {
  const base = { id: item.id, tags: item.tags }
  const skipReason = recheckItem(item, await watch.current(), goingIds, plannedIds)
  if (skipReason) {
    goingIds.delete(item.id)
    return { ...base, outcome: 'skipped', error: skipReason, reclaimedBytes: 0 }
  }
  beforeFirstRequest()

  let reclaimed = 0
  let deleted = false
  let untagged = false
  for (const request of item.requests) {
    try {
      if (request.kind === 'remove-container') {
        const container = options.docker.getContainer(request.id)
        // No `t`: the engine then waits the container's own configured stop timeout.
        if (request.stop) await container.stop().catch(ignoreNotModified)
        await container.remove()
        reclaimed += options.containerSizes?.get(request.id) ?? 0
        continue
      }
      const lines = (await options.docker
        .getImage(request.name)
        .remove({ force: request.force, noprune: true })) as DeleteResponseLine[]
      for (const line of lines) {
        if (line.Untagged) untagged = true
        if (line.Deleted === item.id) deleted = true
        else if (line.Deleted) reclaimed += options.layerSizes.get(line.Deleted) ?? 0
      }
    } catch (error) {
      goingIds.delete(item.id)
      watch.invalidate()
      return { ...base, outcome: 'failed', error: messageOf(error), reclaimedBytes: reclaimed }
    }
  }
  if (!deleted) goingIds.delete(item.id)
  return {
    ...base,
    outcome: deleted ? 'deleted' : untagged ? 'untagged' : 'skipped',
    reclaimedBytes: reclaimed,
  }
}

/** Stopping a container that already stopped answers 304; that is fine. */
function ignoreNotModified(error: unknown): void {
  if ((error as { statusCode?: number }).statusCode !== 304) throw error
}
