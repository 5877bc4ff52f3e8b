/**
 * Plans and runs cleanups. A plan is kept by its id so that running it does exactly what was
 * shown; a run starts at once (its id comes back before the first change) and reports each
 * item's outcome as a `progress` event while the executor journals it.
 */
import { randomUUID } from 'node:crypto'
import type Docker from 'dockerode'
import {
  SelectionSchema,
  type CleanResult,
  type Plan,
  type Selection,
  type SelectionInput,
} from '../shared/cleanup'
import { DrydockError, toErrorPayload } from '../shared/errors'
import type { RunTrigger } from '../shared/history'
import { defaultPolicySelection, type Settings } from '../shared/settings'
import type { Reclaimable } from '../shared/usage'
import { executePlan } from './cleaner/executor'
import type { ConnectionManager } from './connection-manager'
import { reclaimableByKind } from './engine/disk-usage'
import type { Inventory } from './engine/inventory'
import type { EventBus } from './event-bus'
import type { LastUseTracker } from './last-use-tracker'
import type { LogAccess } from './log-access'
import { DependencyGraph } from './planner/graph'
import { buildPlan, namedImageIds } from './planner/plan'
import { StoreError } from './store'

/** A plan the service made, kept so that running it does exactly what was shown. */
interface HeldPlan {
  plan: Plan
  layerSizes: ReadonlyMap<string, number>
  containerSizes: ReadonlyMap<string, number>
  /** False when the plan was made without reading Settings' protection rules. */
  settingsKnown: boolean
}

/** Plans are small but a UI may make many; the newest few are enough to confirm one. */
const MAX_HELD_PLANS = 16

export interface CleanupServiceOptions {
  connections: ConnectionManager
  log: LogAccess
  events: EventBus
  tracker: LastUseTracker
  now: () => Date
  /** After every run (the app samples usage then). */
  afterRun?: () => void
}

/**
 * The selection a plan really uses: `policy: "default"` becomes Settings' default policy, and
 * Settings' protection is added to whatever the caller protects. The one place that merges them.
 */
export function resolveSelection(requested: Selection, settings: Settings): Selection {
  const policy =
    requested.policy === 'default' ? SelectionSchema.parse(defaultPolicySelection(settings)) : null
  return {
    ...requested,
    ...(policy
      ? {
          dangling: requested.dangling || policy.dangling,
          unused: requested.unused || policy.unused,
          unusedFor: requested.unusedFor ?? policy.unusedFor,
          keepLast: requested.keepLast ?? policy.keepLast,
        }
      : {}),
    protect: [...new Set([...requested.protect, ...settings.protectedPatterns])],
    protectLabels: [...new Set([...requested.protectLabels, ...settings.protectedLabels])],
  }
}

export class CleanupService {
  private readonly plans = new Map<string, HeldPlan>()
  /** Cleanups in progress, by run id, so they can be cancelled. */
  private readonly running = new Map<string, { abort: AbortController; done: Promise<void> }>()

  constructor(private readonly options: CleanupServiceOptions) {}

  async plan(requested: Selection): Promise<Plan> {
    const { connections, log, tracker, now } = this.options
    const { connection, inventory, engine } = await connections.readInventory()
    // What Settings protects, no cleanup touches, whoever asks. A log that exists but cannot be
    // read now (locked) leaves those rules unknown: the plan shows, but may not run.
    const { settings, known: settingsKnown } = log.readSettings()
    const selection = resolveSelection(requested, settings)
    const graph = new DependencyGraph(inventory)
    const uses = selection.unusedFor
      ? await tracker.lastUsesOf(connection, inventory, graph, { strict: true })
      : undefined
    const containerSizes = selection.withContainers
      ? await containerSizesOf(
          connection.docker,
          inventory,
          namedImageIds(inventory, selection.images),
        )
      : new Map<string, number>()
    const plan = buildPlan(inventory, selection, {
      id: randomUUID(),
      host: engine.host,
      version: engine.version,
      imageStore: engine.imageStore,
      now: now(),
      containerSizes,
      ...(uses ? { lastUses: uses } : {}),
    })
    this.plans.set(plan.id, { plan, layerSizes: graph.sizes(), containerSizes, settingsKnown })
    for (const id of this.plans.keys()) {
      if (this.plans.size <= MAX_HELD_PLANS) break
      this.plans.delete(id)
    }
    return plan
  }

  /** Starts a held plan; resolves with the run id as soon as the log names the run. */
  async run(request: {
    planId: string
    trigger: RunTrigger
  }): Promise<{ runId: string; planId: string }> {
    // Taken out at once, before any await: a second call with the same id finds nothing.
    const held = this.plans.get(request.planId)
    if (!held) {
      throw new DrydockError('not-found', `No plan ${request.planId} here; make the plan again.`)
    }
    this.plans.delete(request.planId)
    // No cleanup without a working journal: open it before touching the engine.
    const { journal } = this.options.log.open()
    if (!held.settingsKnown) {
      throw new DrydockError(
        'not-found',
        'This plan was made while the log (and the protection rules in Settings) could not be read; make the plan again.',
      )
    }
    const connection = await this.options.connections.require()
    const abort = new AbortController()
    const { planId } = request
    const emit = (payload: Omit<Parameters<typeof progressEvent>[0], 'planId'>) =>
      this.options.events.emit(progressEvent({ ...payload, planId }))

    let started: (runId: string) => void = () => undefined
    let failedBeforeStart: (error: unknown) => void = () => undefined
    const runIdKnown = new Promise<string>((resolve, reject) => {
      started = resolve
      failedBeforeStart = reject
    })
    let runId: string | null = null
    // Journaled synchronously inside executePlan, before its first await: the entry exists
    // before `done` does, so Cancel works from the first moment.
    const entry = { abort, done: Promise.resolve() }
    entry.done = executePlan({
      signal: abort.signal,
      onStarted: (id) => {
        runId = id
        this.running.set(id, entry)
        started(id)
      },
      docker: connection.docker,
      plan: held.plan,
      journal,
      trigger: request.trigger,
      layerSizes: held.layerSizes,
      containerSizes: held.containerSizes,
      onProgress: (progress) => emit(progress),
    })
      .then(
        (result: CleanResult) => {
          emit({
            runId: result.runId,
            done: result.items.length,
            total: result.items.length,
            message: result.status,
            ended: { ok: true, result },
          })
        },
        (error: unknown) => {
          // The journal failed (disk full, read-only): said as the contract's log error, so the
          // CLI exits 4 and the window says cleanup is off — not as an internal error.
          const failure =
            error instanceof StoreError ? new DrydockError('log-unusable', error.message) : error
          if (runId === null) return failedBeforeStart(failure)
          emit({
            runId,
            done: 0,
            total: 0,
            message: 'failed',
            ended: { ok: false, error: toErrorPayload(failure) },
          })
        },
      )
      .finally(() => {
        if (runId) this.running.delete(runId)
        this.options.afterRun?.()
      })
    return { runId: await runIdKnown, planId }
  }

  cancel(runId: string): boolean {
    const run = this.running.get(runId)
    run?.abort.abort()
    return run !== undefined
  }

  /** Resolves when every run in progress has ended (closing waits for them). */
  async settle(): Promise<void> {
    await Promise.all([...this.running.values()].map((run) => run.done))
  }

  /** Exact bytes by kind: images from two plans (everything unused, and the default policy) on
   * one inventory; the other kinds as the engine counts them. */
  async reclaimable(): Promise<Reclaimable> {
    const { connections, log, tracker, now } = this.options
    const { connection, inventory, engine } = await connections.readInventory()
    const { settings } = log.readSettings()
    const graph = new DependencyGraph(inventory)
    const [byKind, uses] = await Promise.all([
      connection.diskUsage.read().then(reclaimableByKind),
      tracker.lastUsesOf(connection, inventory, graph),
    ])
    const context = {
      id: 'reclaimable',
      host: engine.host,
      version: engine.version,
      imageStore: engine.imageStore,
      now: now(),
      lastUses: uses,
    }
    const planOf = (input: SelectionInput) =>
      buildPlan(inventory, resolveSelection(SelectionSchema.parse(input), settings), context)
    return {
      at: now().toISOString(),
      imagesBytes: planOf({ unused: true }).reclaimBytes,
      ...byKind,
      defaultPolicyBytes: planOf({ policy: 'default' }).reclaimBytes,
    }
  }
}

function progressEvent(payload: {
  runId: string
  planId: string
  done: number
  total: number
  message: string
  item?: CleanResult['items'][number] & { seq: number }
  ended?:
    { ok: true; result: CleanResult } | { ok: false; error: ReturnType<typeof toErrorPayload> }
}) {
  return { name: 'progress' as const, payload }
}

/** Writable-layer bytes of the containers using the named images (what removing them frees). */
async function containerSizesOf(
  docker: Docker,
  inventory: Inventory,
  imageIds: Set<string>,
): Promise<Map<string, number>> {
  const sizes = new Map<string, number>()
  for (const container of inventory.containers.filter((c) => imageIds.has(c.imageId))) {
    // dockerode passes `size` through as the query parameter; its types do not list it.
    const options = { size: true } as Docker.ContainerInspectOptions
    const inspected = (await docker.getContainer(container.id).inspect(options)) as {
      SizeRw?: number
    }
    sizes.set(container.id, inspected.SizeRw ?? 0)
  }
  return sizes
}
