/**
 * Plans and runs cleanups. A plan is kept by its id so that running it does exactly what was
 * shown; a run starts at once (its id comes back before the first change) and reports each
 * item's outcome as a `progress` event while the executor journals it.
 */
import { randomUUID } from 'node:crypto'
import {
  parseDuration,
  SelectionSchema,
  type CleanResult,
  type Plan,
  type Selection,
  type SelectionInput,
} from '../shared/cleanup'
import type { EngineInfo } from '../shared/contract'
import { DrydockError, toErrorPayload } from '../shared/errors'
import type { RunTrigger } from '../shared/history'
import { defaultPolicySelection, type Settings } from '../shared/settings'
import type { Reclaimable } from '../shared/usage'
import { executePlan } from './cleaner/executor'
import { EngineWatch } from './cleaner/recheck'
import { WatchAhead } from './cleaner/watch-ahead'
import type { ConnectionManager, KindsRead } from './connection-manager'
import { hasBuildKitImages } from './kinds-reader'
import { ENGINE_EVENT_BUFFER } from './engine/image-use-events'
import {
  listedContainerFileBytes,
  walkContainerDirectories,
  type ContainerFilesAhead,
} from './engine/container-files'
import { exitTimes } from './engine/kinds'
import type { EventBus } from './event-bus'
import type { LastUseTracker } from './last-use-tracker'
import type { LogAccess } from './log-access'
import { DependencyGraph } from './planner/graph'
import { buildPlan, buildPlanAndLedger } from './planner/plan'
import { StoreError } from './store'

/** A plan the service made, kept so that running it does exactly what was shown. */
interface HeldPlan {
  plan: Plan
  /** Docker or Podman, as the engine said when the plan was made (its events and deletes differ). */
  engineKind: EngineInfo['engineKind']
  layerSizes: ReadonlyMap<string, number>
  /** The layers whose bytes the plan credited to each build cache record. */
  recordLayers: ReadonlyMap<string, readonly string[]>
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
  let selection = requested
  // `docker system prune`: dangling images, stopped containers, unused build cache.
  if (selection.system) {
    selection = { ...selection, dangling: true, stoppedContainers: true, buildCache: true }
  }
  if (selection.policy === 'default') {
    const policy = SelectionSchema.parse(defaultPolicySelection(settings))
    selection = {
      ...selection,
      dangling: selection.dangling || policy.dangling,
      unused: selection.unused || policy.unused,
      unusedFor: selection.unusedFor ?? policy.unusedFor,
      keepLast: selection.keepLast ?? policy.keepLast,
      stoppedContainers: selection.stoppedContainers || policy.stoppedContainers,
      buildCache: selection.buildCache || policy.buildCache,
      unusedVolumes: selection.unusedVolumes || policy.unusedVolumes,
    }
  }
  return {
    ...selection,
    protect: [...new Set([...selection.protect, ...settings.protectedPatterns])],
    protectLabels: [...new Set([...selection.protectLabels, ...settings.protectedLabels])],
  }
}

export class CleanupService {
  private readonly plans = new Map<string, HeldPlan>()
  /** Cleanups in progress, by run id, so they can be cancelled. */
  private readonly running = new Map<
    string,
    { abort: AbortController; done: Promise<void>; ended: Promise<CleanResult> }
  >()

  /** The next run's view of the engine, opened while its plan is made (prepareRun). */
  private readonly ahead: WatchAhead

  constructor(private readonly options: CleanupServiceOptions) {
    this.ahead = new WatchAhead(options.connections)
  }

  /** The next run's event stream and first snapshot, read as soon as the next plan's lists are
   * in (cleaner/watch-ahead.ts). The CLI's `clean` asks; the app does not. */
  prepareRun(): void {
    this.ahead.prepare()
  }

  /** Drops a prepared watch no run took (the command ends). */
  close(): void {
    this.ahead.close()
  }

  async plan(requested: Selection): Promise<Plan> {
    const { connections, log, tracker, now } = this.options
    // What Settings protects, no cleanup touches, whoever asks. A log that exists but cannot be
    // read now (locked) leaves those rules unknown: the plan shows, but may not run.
    const { settings, known: settingsKnown } = log.readSettings()
    const selection = resolveSelection(requested, settings)
    const kinds = kindsFor(selection)
    const reading = connections.readInventory(kinds ? { kinds } : {})
    // Started once the read has begun (it makes the CLI's early connection first).
    const filesAhead = removesContainers(selection) ? this.containerFilesAhead() : null
    const { connection, inventory, engine } = await reading
    // BuildKit's cache may hold the layers of images it built: without its records the bytes
    // an image frees cannot be told, so read them whenever such an image is there.
    if (!inventory.kinds && hasBuildKitImages(inventory)) {
      await connections.addKinds(connection, inventory, 'lean')
    }
    const graph = new DependencyGraph(inventory)
    // Least recently used needs the facts: --unused-for and --target-size refuse to guess.
    const facts =
      selection.unusedFor || selection.targetSize !== null
        ? await tracker.read(connection, inventory, graph, { strict: true })
        : undefined
    const uses = facts?.uses
    const containerAges =
      selection.stoppedContainers && (selection.olderThan || selection.unusedFor)
        ? await exitTimes(connection.docker, inventory.containers)
        : undefined
    // A container's directory (its log above all) goes with it: counted where this machine can
    // read it (container-files.ts says why a directory named by the ID is the engine's own).
    const containerFiles =
      filesAhead && engine.dataRoot && connection.host.local
        ? await listedContainerFileBytes(
            engine.dataRoot,
            inventory.containers.map((container) => container.id),
            await filesAhead,
          )
        : undefined
    const { plan, ledger } = buildPlanAndLedger(inventory, selection, {
      id: randomUUID(),
      host: engine.host,
      engineId: engine.id,
      version: engine.version,
      imageStore: engine.imageStore,
      engineKind: engine.engineKind,
      now: now(),
      graph,
      ...(uses ? { lastUses: uses } : {}),
      ...(containerAges ? { exitTimes: containerAges } : {}),
      ...(containerFiles ? { containerFiles } : {}),
    })
    // Uses lost in a window that ended before --unused-for's cutoff would not change a thing;
    // for --target-size (an order by last use) any lost use might.
    const missed = facts?.missed ?? null
    const cutoff = selection.unusedFor
      ? now().getTime() - (parseDuration(selection.unusedFor) ?? 0) * 1000
      : -Infinity
    if (
      missed &&
      !selection.acceptUnknownUse &&
      (selection.targetSize !== null || missed.until > cutoff)
    ) {
      refuseUnknownUse(plan, missed.since, selection.targetSize !== null)
    }
    // The user said the lost uses do not matter: this engine's gap is settled for this process.
    if (missed && selection.acceptUnknownUse) tracker.acceptMissed(connection.host.url)
    this.plans.set(plan.id, {
      plan,
      engineKind: engine.engineKind,
      layerSizes: graph.sizes(),
      recordLayers: ledger.recordLayers,
      settingsKnown,
    })
    for (const id of this.plans.keys()) {
      if (this.plans.size <= MAX_HELD_PLANS) break
      this.plans.delete(id)
    }
    return plan
  }

  /** The containers' directories, walked while the engine lists (container-files.ts). */
  private async containerFilesAhead(): Promise<ContainerFilesAhead | null> {
    const { connections } = this.options
    try {
      const connection = await connections.require()
      const { dataRoot } = await connections.engineFacts(connection)
      return dataRoot && connection.host.local ? await walkContainerDirectories(dataRoot) : null
    } catch {
      return null // the read says why the engine cannot be reached; the plan reads them itself
    }
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
    const recovery = this.options.log.pendingRecovery()
    if (recovery && isPolicy(held.plan.selection)) {
      throw new DrydockError(
        'log-unusable',
        `The log was replaced (the old one was moved to ${recovery}), and with it the Settings that protect images were lost. Review Settings, then acknowledge the notice (the window, or \`drydock clean --accept-new-log\`) before a policy cleanup runs.`,
      )
    }
    if (!held.settingsKnown) {
      throw new DrydockError(
        'log-unusable',
        'This plan was made while the log (and the protection rules in Settings) could not be read; make the plan again.',
      )
    }
    // Protection as Settings say now: a pattern added between the preview and the run counts.
    const current = this.options.log.readSettings()
    if (!current.known) {
      throw new DrydockError(
        'log-unusable',
        'The log (and the protection rules in Settings) cannot be read now; nothing was removed.',
      )
    }
    const protection = resolveSelection(held.plan.selection, current.settings)
    const connection = await this.options.connections.require()
    // The run's view of the engine starts meanwhile, or was opened while the plan was made
    // (prepareRun): its event stream, then the first snapshot (lists that take the engine a
    // while). Only reads: dropped if the check below refuses.
    const watching = this.ahead
      .take(connection, held.engineKind)
      .then(
        (prepared) =>
          prepared ?? EngineWatch.start(connection.docker, held.engineKind, connection.getJson),
      )
    // A plan is bound to its engine: after a Settings change, a new context or a reconnect to
    // another engine, its items mean nothing there. Refused before anything is journaled.
    // Asked now, not remembered from the connection: another engine may answer at this address.
    const engine = await connection.engineInfo().catch(async (error: unknown) => {
      ;(await watching).close()
      throw error
    })
    const planned = held.plan.engine
    if (engine.host !== planned.host || (planned.id && engine.id !== planned.id)) {
      ;(await watching).close()
      throw new DrydockError(
        'engine-changed',
        `This plan was made on the engine at ${planned.host}${planned.id ? ` (${planned.id})` : ''}; Drydock is now connected to ${engine.host}${engine.id ? ` (${engine.id})` : ''}. Nothing was removed: make the plan again.`,
      )
    }
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
    const entry = {
      abort,
      done: Promise.resolve(),
      ended: Promise.resolve(null as unknown as CleanResult),
    }
    const ended = executePlan({
      signal: abort.signal,
      onStarted: (id) => {
        runId = id
        this.running.set(id, entry)
        started(id)
      },
      docker: connection.docker,
      get: connection.getJson,
      send: connection.request,
      watch: await watching,
      plan: held.plan,
      journal,
      trigger: request.trigger,
      layerSizes: held.layerSizes,
      recordLayers: held.recordLayers,
      protection,
      engineKind: engine.engineKind,
      onProgress: (progress) => emit(progress),
    })
    entry.ended = ended
    entry.done = ended
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

  /** Whether a cleanup is running in this service: automatic runs never overlap one. */
  get busy(): boolean {
    return this.running.size > 0
  }

  /** The result of a run in progress, when it ends (it rejects when the run failed). */
  whenEnded(runId: string): Promise<CleanResult> | null {
    return this.running.get(runId)?.ended ?? null
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

  /** Exact bytes by kind, each from a plan on one inventory (with the last sizes known):
   * every unused image, stopped containers, unused anonymous volumes, build cache not in use,
   * and what the default policy frees. */
  async reclaimable(): Promise<Reclaimable> {
    const { connections, log, tracker, now } = this.options
    const { connection, inventory, engine } = await connections.readInventory({ kinds: 'cached' })
    if (!inventory.kinds?.sizesAt) await connections.addKinds(connection, inventory, 'fresh')
    const { settings } = log.readSettings()
    const graph = new DependencyGraph(inventory)
    const uses = await tracker.lastUsesOf(connection, inventory, graph)
    const context = {
      id: 'reclaimable',
      host: engine.host,
      version: engine.version,
      imageStore: engine.imageStore,
      engineKind: engine.engineKind,
      now: now(),
      lastUses: uses,
    }
    const planOf = (input: SelectionInput) =>
      buildPlan(inventory, resolveSelection(SelectionSchema.parse(input), settings), context)
    return {
      at: now().toISOString(),
      imagesBytes: planOf({ unused: true }).reclaimBytes,
      containersBytes: planOf({ stoppedContainers: true }).reclaimBytes,
      volumesBytes: planOf({ unusedVolumes: true }).reclaimBytes,
      buildCacheBytes: planOf({ buildCache: true }).reclaimBytes,
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

/**
 * What a plan needs beyond images and containers: nothing; `lean` (volumes, build cache records
 * and containers' sizes, without `/system/df`); or `fresh` (also the volumes' sizes, which only
 * `/system/df` has) when it may remove a volume.
 */
function kindsFor(selection: Selection): KindsRead | null {
  if (selection.unusedVolumes || selection.volumes.length > 0) return 'fresh'
  return needsKinds(selection) ? 'lean' : null
}

/** Whether a plan may remove containers (and so needs their sizes). */
function removesContainers(selection: Selection): boolean {
  return (
    selection.system ||
    selection.stoppedContainers ||
    selection.containers.length > 0 ||
    selection.withContainers
  )
}

/** Whether a plan needs volumes, build cache or container sizes. */
function needsKinds(selection: Selection): boolean {
  return (
    removesContainers(selection) ||
    selection.unusedVolumes ||
    selection.volumes.length > 0 ||
    selection.buildCache ||
    selection.cacheRecords.length > 0 ||
    selection.targetSize !== null
  )
}

/**
 * Least-recently-used needs the facts: when uses may have been lost, the images this plan would
 * remove as unused are named, and nothing is planned until the caller accepts that.
 */
function refuseUnknownUse(plan: Plan, missedSince: number, bySize: boolean): void {
  const doubtful = plan.items.filter((item) => item.kind === 'image' && item.action === 'delete')
  if (doubtful.length === 0) return
  const names = doubtful.map((item) => item.name)
  const shown =
    names.slice(0, 20).join(', ') + (names.length > 20 ? `, and ${names.length - 20} more` : '')
  throw new DrydockError(
    'invalid-request',
    `Drydock may have missed image uses since ${new Date(missedSince).toISOString()} (the engine keeps only its last ${ENGINE_EVENT_BUFFER} events and forgets them when it restarts). ${bySize ? '--target-size' : '--unused-for'} would remove ${names.length} image${names.length === 1 ? '' : 's'} whose last use is not known for sure: ${shown}. Pass --accept-unknown-use to remove them anyway, or keep the app or \`drydock watch\` running so uses are followed live.`,
    { unknownUse: names },
  )
}

/** A cleanup chosen by a rule rather than by naming each thing: what lost protection endangers. */
function isPolicy(selection: Selection): boolean {
  return (
    selection.policy !== null ||
    selection.system ||
    selection.dangling ||
    selection.unused ||
    selection.keepLast !== null ||
    selection.targetSize !== null ||
    selection.stoppedContainers ||
    selection.unusedVolumes ||
    selection.buildCache
  )
}
