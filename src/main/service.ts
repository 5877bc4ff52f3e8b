/**
 * Drydock's core, behind the contract: what every transport calls. No Electron here; the shell,
 * the browser-mode server and the CLI all wrap this same class.
 */
import { randomUUID } from 'node:crypto'
import type Docker from 'dockerode'
import type {
  AppInfo,
  ConnectionState,
  DrydockHandlers,
  EngineInfo,
  EventListener,
  LogStatus,
  EventSource,
} from '../shared/contract'
import type { CleanResult, Plan, Selection } from '../shared/cleanup'
import { DrydockError } from '../shared/errors'
import type { RunDetail, RunSummary } from '../shared/history'
import type { ImageView } from '../shared/images'
import type { MonitorState } from '../shared/monitor'
import {
  DEFAULT_SETTINGS,
  defaultPolicySelection,
  type Settings,
  type SettingsPatch,
} from '../shared/settings'
import { SelectionSchema } from '../shared/cleanup'
import type { DiskUsage, Reclaimable, UsageSeries } from '../shared/usage'
import { readDiskUsage, reclaimableByKind } from './engine/disk-usage'
import {
  EventImageResolver,
  followUseEvents,
  imageUsesOf,
  readUseEvents,
} from './engine/image-use-events'
import { executePlan } from './cleaner/executor'
import { reconcileInterruptedRuns } from './cleaner/reconcile'
import { EngineConnection } from './engine/connection'
import { engineUnreachable } from './engine/errors'
import { modemOptionsFor, resolveHost, type ResolvedHost } from './engine/host'
import { fetchInventory, type Inventory } from './engine/inventory'
import { EventBus } from './event-bus'
import { LogAccess, type OpenLog } from './log-access'
import { DependencyGraph } from './planner/graph'
import { describeImages } from './planner/image-view'
import { lastUses, type LastUse } from './planner/last-used'
import { protectionRules } from './planner/policy'
import { DiskMonitor, MemoryAlertStore } from './monitor'
import { AlertLog, StoreError } from './store'
import { buildPlan, namedImageIds } from './planner/plan'

/** An engine failure as a contract error: an HTTP status means the engine answered. */
function toEngineError(error: unknown, host: string): DrydockError {
  const message = error instanceof Error ? error.message : String(error)
  return typeof (error as { statusCode?: unknown }).statusCode === 'number'
    ? new DrydockError('engine-error', `The engine at ${host} failed: ${message}`)
    : new DrydockError(
        'engine-unreachable',
        `Cannot reach the Docker engine at ${host}: ${message}`,
      )
}

export interface ServiceOptions {
  /** `--host` or the app setting; falls back to DOCKER_HOST, the docker context, the default. */
  host?: string | undefined
  env?: Record<string, string | undefined>
  platform?: NodeJS.Platform
  transport: AppInfo['transport']
  version: string
  /** The log file (`--db`, DRYDOCK_DB, the app's default); null runs without a log. */
  databasePath?: string | null
  /** The better_sqlite3.node built for Electron's ABI, when running inside Electron. */
  sqliteBinding?: string
  /** The app and browser mode: with no `host` given, use the host saved in Settings (if any),
   * and reconnect when it changes. The CLI leaves this off: its host is --host or the env. */
  hostFromSettings?: boolean
  /** Called once if the log file was corrupt and moved aside (the CLI prints it). */
  onLogRecovered?: (movedTo: string, path: string) => void
  /** Injected clock so tests can pin timestamps. */
  now?: () => Date
}

/** A plan the service made, kept so that running it does exactly what was shown. */
interface HeldPlan {
  plan: Plan
  layerSizes: ReadonlyMap<string, number>
  containerSizes: ReadonlyMap<string, number>
  /** False when the plan was made without reading Settings' protection rules. */
  settingsKnown: boolean
}

/** How far back a range may reach for the usage series: the daily roll-ups go back for ever. */
const MINUTE_MS = 60_000

/** Plans are small but a UI may make many; the newest few are enough to confirm one. */
const MAX_HELD_PLANS = 16

export class DrydockService implements DrydockHandlers, EventSource {
  private readonly events = new EventBus()
  private readonly now: () => Date
  private state: ConnectionState
  private connection: EngineConnection | null = null
  private pending: Promise<ConnectionState> | null = null
  private resolvedHost: ResolvedHost | null = null
  /** Made by a first readInventory ahead of the connection check, which then adopts it. */
  private earlyConnection: EngineConnection | null = null
  private watchTimer: NodeJS.Timeout | null = null
  private sampleTimer: NodeJS.Timeout | null = null
  /** Long-lived mode (startSampling): samples on a timer, follows use events live. */
  private sampling = false
  private follower: { host: string; stop: () => void } | null = null
  private monitor: DiskMonitor | null = null
  /** Decides alerts while the log cannot be written (see checkThresholds). */
  private memoryMonitor: DiskMonitor | null = null
  private samplingEveryMinutes = 0
  private readonly log: LogAccess
  private readonly plans = new Map<string, HeldPlan>()
  private readonly reconciledHosts = new Set<string>()
  /** Cleanups in progress, by run id, so they can be cancelled. */
  private readonly runningCleanups = new Map<string, AbortController>()

  constructor(private readonly options: ServiceOptions) {
    this.now = options.now ?? (() => new Date())
    this.log = new LogAccess(
      options.databasePath ?? null,
      options.sqliteBinding,
      options.onLogRecovered,
    )
    this.state = { status: 'connecting', host: this.describeHost(), since: this.timestamp() }
  }

  subscribe(listener: EventListener): () => void {
    return this.events.subscribe(listener)
  }

  async getAppInfo(): Promise<AppInfo> {
    return { name: 'Drydock', version: this.options.version, transport: this.options.transport }
  }

  /** Waits for a first (or in-flight) connection attempt, so callers never see a stale state. */
  async getConnection(): Promise<ConnectionState> {
    if (this.pending) return this.pending
    if (this.state.status === 'connecting') return this.connect()
    return this.state
  }

  async reconnect(): Promise<ConnectionState> {
    if (this.pending) return this.pending
    this.connection = null
    this.resolvedHost = null
    return this.connect()
  }

  async getEngineInfo(): Promise<EngineInfo> {
    const connection = await this.requireEngine()
    return connection.engineInfo().catch((error: unknown) => {
      this.markUnreachable(error)
      throw error
    })
  }

  async getDiskUsage(): Promise<DiskUsage> {
    const connection = await this.requireEngine()
    const engine = await this.engineFacts(connection)
    return readDiskUsage(await connection.diskUsage.read(), {
      local: connection.host.local,
      dataRoot: engine.dataRoot,
      now: this.now(),
    })
  }

  async listImages(): Promise<ImageView[]> {
    const { connection, inventory } = await this.readInventory()
    const graph = new DependencyGraph(inventory)
    const [uses, settings] = await Promise.all([
      this.lastUsesOf(connection, inventory, graph),
      this.getSettings(),
    ])
    const protection = protectionRules(
      this.withSettingsProtection(settings, { protect: [], protectLabels: [] }),
    )
    return describeImages(graph, {
      lastUsed: (id) => uses.get(id) ?? { at: 0, source: 'created' },
      isProtected: (id) => protection.protects(graph.images.get(id)!) !== null,
    })
  }

  async planCleanup(requested: Selection): Promise<Plan> {
    const { connection, inventory, engine } = await this.readInventory()
    // What Settings protects, no cleanup touches, whoever asks. A log that exists but cannot be
    // read now (locked) leaves those rules unknown: the plan shows, but may not run.
    const { settings, known: settingsKnown } = this.readSettings()
    const selection = { ...requested, ...this.withSettingsProtection(settings, requested) }
    const uses = selection.unusedFor
      ? await this.lastUsesOf(connection, inventory, new DependencyGraph(inventory), {
          strict: true,
        })
      : undefined
    const containerSizes = selection.withContainers
      ? await this.containerSizes(connection, inventory, namedImageIds(inventory, selection.images))
      : new Map<string, number>()
    const plan = buildPlan(inventory, selection, {
      id: randomUUID(),
      host: engine.host,
      version: engine.version,
      imageStore: engine.imageStore,
      now: this.now(),
      containerSizes,
      ...(uses ? { lastUses: uses } : {}),
    })
    const layerSizes = new DependencyGraph(inventory).sizes()
    this.plans.set(plan.id, { plan, layerSizes, containerSizes, settingsKnown })
    for (const id of this.plans.keys()) {
      if (this.plans.size <= MAX_HELD_PLANS) break
      this.plans.delete(id)
    }
    return plan
  }

  async runCleanup(request: {
    planId: string
    trigger: RunSummary['trigger']
  }): Promise<CleanResult> {
    // Taken out at once, before any await: a second call with the same id finds nothing.
    const held = this.plans.get(request.planId)
    if (!held) {
      throw new DrydockError('not-found', `No plan ${request.planId} here; make the plan again.`)
    }
    this.plans.delete(request.planId)
    // No cleanup without a working journal: open it before touching the engine.
    const { journal } = this.log.open()
    if (!held.settingsKnown) {
      throw new DrydockError(
        'not-found',
        'This plan was made while the log (and the protection rules in Settings) could not be read; make the plan again.',
      )
    }
    const connection = await this.requireEngine()
    const abort = new AbortController()
    let startedRunId: string | null = null
    return executePlan({
      signal: abort.signal,
      onStarted: (runId) => {
        startedRunId = runId
        this.runningCleanups.set(runId, abort)
      },
      docker: connection.docker,
      plan: held.plan,
      journal,
      trigger: request.trigger,
      layerSizes: held.layerSizes,
      containerSizes: held.containerSizes,
      onProgress: (progress) =>
        this.events.emit({
          name: 'progress',
          payload: {
            jobId: progress.runId,
            planId: request.planId,
            done: progress.done,
            total: progress.total,
            message: progress.message,
          },
        }),
    })
      .catch((error: unknown) => {
        // The journal failed (disk full, read-only): said as the contract's log error, so the
        // CLI exits 4 and the window says cleanup is off — not as an internal error.
        if (error instanceof StoreError) throw new DrydockError('log-unusable', error.message)
        throw error
      })
      .finally(() => {
        if (startedRunId) this.runningCleanups.delete(startedRunId)
        // After every run in the app: the usage history shows the drop, the monitor re-checks.
        // (A CLI run ends here; its next sample is the app's.)
        if (this.sampling) void this.sampleUsage().catch(() => undefined)
      })
  }

  async cancelCleanup(request: { runId: string }): Promise<{ cancelled: boolean }> {
    const abort = this.runningCleanups.get(request.runId)
    abort?.abort()
    return { cancelled: abort !== undefined }
  }

  async listRuns(request: {
    limit: number
    beforeStartedAt?: string | undefined
    beforeId?: string | undefined
    triggers?: RunSummary['trigger'][] | undefined
    statuses?: RunSummary['status'][] | undefined
    from?: string | undefined
    to?: string | undefined
  }): Promise<RunSummary[]> {
    const { journal } = this.log.open()
    // Only the filters given: undefined keys would read as "filter by nothing".
    const options = Object.fromEntries(
      Object.entries(request).filter(([, value]) => value !== undefined),
    ) as Parameters<typeof journal.listRuns>[0]
    return journal.listRuns(options)
  }

  async getRun(request: { id: string }): Promise<RunDetail | null> {
    return this.log.open().journal.getRun(request.id)
  }

  async restoreImage(request: {
    reference: string
  }): Promise<{ reference: string; imageId: string }> {
    const connection = await this.requireEngine()
    await new Promise<void>((resolve, reject) => {
      connection.docker.pull(request.reference, (error: unknown, stream: NodeJS.ReadableStream) => {
        if (error) return reject(toEngineError(error, connection.host.url))
        // A pull that fails after it started (auth, disk full) says so in the stream, not with
        // an HTTP error: look for it in what the engine sent.
        connection.docker.modem.followProgress(
          stream,
          (failure: unknown, output: { error?: string; errorDetail?: { message?: string } }[]) => {
            const said = output?.find((line) => line.error || line.errorDetail)
            const error =
              failure ?? (said ? new Error(said.errorDetail?.message ?? said.error) : null)
            if (error) reject(toEngineError(error, connection.host.url))
            else resolve()
          },
        )
      })
    })
    const inspected = await connection.docker
      .getImage(request.reference)
      .inspect()
      .catch((error: unknown) => {
        throw toEngineError(error, connection.host.url)
      })
    return { reference: request.reference, imageId: inspected.Id }
  }

  async getUsageSeries(request: {
    from: string
    to: string
    host?: string | undefined
    maxPoints: number
  }): Promise<UsageSeries> {
    const { usage } = this.log.open()
    const host =
      request.host ?? (this.state.status === 'connected' ? this.state.host : usage.latestHost())
    if (host === null) return { host: null, resolution: 'raw', points: [] }
    return usage.series({
      host,
      from: new Date(request.from),
      to: new Date(request.to),
      maxPoints: request.maxPoints,
      now: this.now(),
    })
  }

  /** Exact bytes by kind: images from two plans (everything unused, and the default policy) on
   * one inventory; the other kinds as the engine counts them. */
  async getReclaimable(): Promise<Reclaimable> {
    const { connection, inventory, engine } = await this.readInventory()
    const settings = await this.getSettings()
    const [byKind, uses] = await Promise.all([
      connection.diskUsage.read().then(reclaimableByKind),
      this.lastUsesOf(connection, inventory, new DependencyGraph(inventory)),
    ])
    const context = {
      id: 'reclaimable',
      host: engine.host,
      version: engine.version,
      imageStore: engine.imageStore,
      now: this.now(),
      lastUses: uses,
    }
    const protection = this.withSettingsProtection(settings, { protect: [], protectLabels: [] })
    const unused = buildPlan(
      inventory,
      SelectionSchema.parse({ unused: true, ...protection }),
      context,
    )
    const policy = buildPlan(
      inventory,
      SelectionSchema.parse(defaultPolicySelection(settings)),
      context,
    )
    return {
      at: this.timestamp(),
      imagesBytes: unused.reclaimBytes,
      ...byKind,
      defaultPolicyBytes: policy.reclaimBytes,
    }
  }

  async getLogStatus(): Promise<LogStatus> {
    try {
      const { recoveredFrom } = this.log.open()
      return { path: this.log.path, status: 'ok', error: null, movedAsideTo: recoveredFrom }
    } catch (error) {
      return {
        path: this.log.path,
        status: 'unusable',
        error: error instanceof Error ? error.message : String(error),
        movedAsideTo: null,
      }
    }
  }

  /** The settings; the defaults when there is no usable log (reading never fails). */
  async getSettings(): Promise<Settings> {
    return this.readSettings().settings
  }

  /**
   * The settings, synchronously; the defaults when the log cannot be read. `known` is false
   * when a configured log could not be read (so its rules, e.g. protection, are unknown).
   */
  private readSettings(): { settings: Settings; known: boolean } {
    try {
      return { settings: this.log.open().settings.get(), known: true }
    } catch {
      return { settings: DEFAULT_SETTINGS, known: this.log.path === null }
    }
  }

  async updateSettings(patch: SettingsPatch): Promise<Settings> {
    // A host that cannot work is refused now, with the reason, not saved to fail later.
    if (patch.host) {
      modemOptionsFor(patch.host, null, this.options.env ?? process.env)
    }
    const { settings } = this.log.open()
    const before = settings.get()
    const next = settings.update(patch)
    if (this.options.hostFromSettings && !this.options.host && next.host !== before.host) {
      void this.reconnect()
    }
    if (next.samplingIntervalMinutes !== before.samplingIntervalMinutes) void this.reschedule()
    return next
  }

  async getMonitorState(): Promise<MonitorState> {
    return this.diskMonitor().state()
  }

  async snoozeAlerts(request: { until: string | null }): Promise<MonitorState> {
    const state = this.diskMonitor().snooze(request.until === null ? null : new Date(request.until))
    // Every window and the tray show the snooze, whichever of them set it.
    this.events.emit({ name: 'monitor', payload: state })
    return state
  }

  /** The monitor, keeping alerts in the log (shared with `drydock watch`) when there is one. */
  private diskMonitor(): DiskMonitor {
    if (this.monitor) return this.monitor
    let alertLog: AlertLog | MemoryAlertStore
    try {
      alertLog = new AlertLog(this.log.open().db)
    } catch {
      alertLog = new MemoryAlertStore()
    }
    this.monitor = new DiskMonitor({
      now: this.now,
      alertLog,
      thresholds: () => this.readSettings().settings.alerts,
    })
    return this.monitor
  }

  /** The selection's protection plus what Settings protects. */
  private withSettingsProtection(
    settings: Settings,
    selection: Pick<Selection, 'protect' | 'protectLabels'>,
  ): Pick<Selection, 'protect' | 'protectLabels'> {
    return {
      protect: [...new Set([...selection.protect, ...settings.protectedPatterns])],
      protectLabels: [...new Set([...selection.protectLabels, ...settings.protectedLabels])],
    }
  }

  /**
   * Catches up on the engine's use events since the log's cursor, records them, and returns each
   * image's last use. Without a log, containers and build times still give an answer.
   */
  private async lastUsesOf(
    connection: EngineConnection,
    inventory: Inventory,
    graph: DependencyGraph,
    options: { strict: boolean } = { strict: false },
  ): Promise<Map<string, LastUse>> {
    const host = connection.host.url
    let recorded = new Map<string, number>()
    let failure: unknown = null
    try {
      const { lastUsed } = this.log.open()
      // A live follower records uses as they happen; otherwise catch up on what the engine
      // still buffers since the last process read it.
      if (this.follower?.host !== host) {
        try {
          const { events, readUntil } = await readUseEvents(
            connection.docker,
            lastUsed.cursor(host),
            this.now().getTime(),
          )
          const resolver = new EventImageResolver(connection.docker, inventory)
          lastUsed.record(host, await imageUsesOf(events, resolver), readUntil)
        } catch (error) {
          failure = error
        }
      }
      lastUsed.forgetAllBut(host, new Set(inventory.images.map((image) => image.id)))
      recorded = new Map([...lastUsed.uses(host)].map(([id, use]) => [id, use.at]))
    } catch (error) {
      failure ??= error
    }
    // --unused-for deletes by last use: never on a guess. Shown figures may fall back.
    if (failure !== null && options.strict) {
      const why = failure instanceof Error ? failure.message : String(failure)
      throw new DrydockError(
        failure instanceof DrydockError ? failure.code : 'engine-error',
        `Drydock cannot tell when images were last used (${why}); --unused-for needs that, so nothing was planned.`,
      )
    }
    return lastUses(graph, recorded, this.now())
  }

  /**
   * For long-lived processes (the app, browser mode): samples usage every
   * `samplingIntervalMinutes` from Settings, and follows the engine's events live so every image
   * use is recorded as it happens. Both start again by themselves when the engine comes back.
   */
  startSampling(): () => void {
    this.sampling = true
    void this.samplingTick()
    return () => this.stopSampling()
  }

  private async samplingTick(): Promise<void> {
    if (!this.sampling) return
    await this.sampleUsage().catch(() => undefined)
    this.ensureFollowing()
    await this.reschedule()
  }

  /** (Re)arms the timer when the interval setting changed; a no-op otherwise. */
  private async reschedule(): Promise<void> {
    const minutes = (await this.getSettings()).samplingIntervalMinutes
    if (!this.sampling) return
    if (this.sampleTimer && minutes === this.samplingEveryMinutes) return
    if (this.sampleTimer) clearInterval(this.sampleTimer)
    this.samplingEveryMinutes = minutes
    this.sampleTimer = setInterval(() => void this.samplingTick(), minutes * MINUTE_MS)
    this.sampleTimer.unref()
  }

  private stopSampling(): void {
    this.sampling = false
    if (this.sampleTimer) clearInterval(this.sampleTimer)
    this.sampleTimer = null
    this.samplingEveryMinutes = 0
    this.stopFollowing()
  }

  /** Follows the connected engine's use events, from the log's cursor, unless already doing so. */
  private ensureFollowing(): void {
    if (!this.sampling || this.state.status !== 'connected' || !this.connection) return
    const connection = this.connection
    const host = connection.host.url
    if (this.follower?.host === host) return
    this.stopFollowing()
    let lastUsed: OpenLog['lastUsed']
    try {
      lastUsed = this.log.open().lastUsed
    } catch {
      return
    }
    const follower: { host: string; stop: () => void } = { host, stop: () => undefined }
    this.follower = follower
    const since = lastUsed.cursor(host) ?? this.now().getTime()
    followUseEvents(
      connection.docker,
      since,
      (use) => {
        try {
          lastUsed.record(host, [use], use.at)
        } catch {
          // One use not recorded; the next one still is.
        }
      },
      () => {
        // The engine went away (or restarted): the next tick or reconnection follows again.
        if (this.follower === follower) this.follower = null
      },
    ).then(
      (stop) => {
        if (this.follower === follower) follower.stop = stop
        else stop()
      },
      () => {
        if (this.follower === follower) this.follower = null
      },
    )
  }

  private stopFollowing(): void {
    this.follower?.stop()
    this.follower = null
  }

  /** One usage sample: recorded in the log (when there is one) and sent as a `usage` event. */
  async sampleUsage(): Promise<DiskUsage | null> {
    const state = await this.getConnection()
    if (state.status !== 'connected') return null
    const usage = await this.getDiskUsage()
    const host = state.host
    const point = {
      at: usage.at,
      imagesBytes: usage.imagesBytes,
      containersBytes: usage.containersBytes,
      volumesBytes: usage.volumesBytes,
      buildCacheBytes: usage.buildCacheBytes,
      freeBytes: usage.freeBytes,
      totalBytes: usage.totalBytes,
    }
    try {
      this.log.open().usage.record({ ...point, host, at: new Date(usage.at) })
    } catch {
      // The history misses a point; the live event still goes out.
    }
    this.events.emit({ name: 'usage', payload: { ...point, host } })
    await this.checkThresholds(host, usage)
    return usage
  }

  /** Feeds a sample to the monitor and sends what it raised or cleared as `alert` events. */
  private async checkThresholds(host: string, usage: DiskUsage): Promise<void> {
    const monitor = this.diskMonitor()
    // The message says what one click frees: a plan, worth making only when about to alert.
    const reclaimableBytes = monitor.wouldRaise({ host, usage })
      ? await this.getReclaimable().then(
          (reclaimable) => reclaimable.defaultPolicyBytes,
          () => null,
        )
      : null
    let changes
    try {
      changes = monitor.observe({ host, usage, reclaimableBytes })
    } catch {
      // The log cannot be written — most likely the very disk that is full. The alert matters
      // more than its record: decide in memory, so it is still raised once.
      this.memoryMonitor ??= new DiskMonitor({
        now: this.now,
        thresholds: () => DEFAULT_SETTINGS.alerts,
        alertLog: new MemoryAlertStore(),
      })
      changes = this.memoryMonitor.observe({ host, usage, reclaimableBytes })
    }
    for (const alert of [...changes.raised, ...changes.cleared]) {
      this.events.emit({ name: 'alert', payload: alert })
    }
  }

  private async readInventory(): Promise<{
    connection: EngineConnection
    inventory: Inventory
    engine: EngineInfo
  }> {
    // A first call (the CLI's only one) sends the lists together with the connection check
    // instead of after it; the lists are used only if that check succeeds on the same connection.
    const early =
      this.state.status === 'connecting' && !this.pending && !this.connection
        ? this.makeEarlyConnection()
        : null
    // The check goes out first; opening the log (inside fetchInventory) then overlaps with both.
    const connecting = this.requireEngine()
    const earlyInventory = early
      ? fetchInventory(early.docker, () => this.log.layerCache(), early.getJson).then(
          (inventory) => ({ ok: true as const, inventory }),
          (error: unknown) => ({ ok: false as const, error }),
        )
      : null
    const connection = await connecting
    const engine = await this.engineFacts(connection)
    try {
      const listed = connection === early && earlyInventory ? await earlyInventory : null
      if (listed && !listed.ok) throw listed.error
      const inventory =
        listed?.inventory ??
        (await fetchInventory(connection.docker, () => this.log.layerCache(), connection.getJson))
      this.reconcileOnce(connection.host.url, inventory)
      return { connection, inventory, engine }
    } catch (error) {
      if (error instanceof DrydockError) throw error
      // An HTTP status means the engine answered; anything else means it went away.
      if (typeof (error as { statusCode?: unknown }).statusCode !== 'number') {
        this.markUnreachable(error)
        throw engineUnreachable(error, connection.host)
      }
      throw new DrydockError(
        'engine-error',
        `The engine at ${connection.host.url} failed: ${error instanceof Error ? error.message : String(error)}`,
      )
    }
  }

  /** Settles, once per engine, what runs interrupted by a crash left uncertain. */
  private reconcileOnce(host: string, inventory: Inventory): void {
    if (this.reconciledHosts.has(host)) return
    this.reconciledHosts.add(host)
    try {
      reconcileInterruptedRuns(this.log.open().journal, host, inventory)
    } catch {
      // Without a log there is nothing to settle; planning goes on.
    }
  }

  /** The facts a plan needs (host, version, store kind, data root) came with the connection. */
  private async engineFacts(connection: EngineConnection): Promise<EngineInfo> {
    return this.state.status === 'connected' ? this.state.engine : connection.engineInfo()
  }

  /** A connection made ahead of the connection check, or null when the host is unusable. */
  private makeEarlyConnection(): EngineConnection | null {
    try {
      this.earlyConnection = new EngineConnection(this.resolve())
      return this.earlyConnection
    } catch {
      return null
    }
  }

  private takeEarlyConnection(host: ResolvedHost): EngineConnection | null {
    const early = this.earlyConnection
    this.earlyConnection = null
    return early && early.host.url === host.url ? early : null
  }

  /** Writable-layer bytes of the containers using the named images (what removing them frees). */
  private async containerSizes(
    connection: EngineConnection,
    inventory: Inventory,
    imageIds: Set<string>,
  ): Promise<Map<string, number>> {
    const sizes = new Map<string, number>()
    for (const container of inventory.containers.filter((c) => imageIds.has(c.imageId))) {
      // dockerode passes `size` through as the query parameter; its types do not list it.
      const options = { size: true } as Docker.ContainerInspectOptions
      const inspected = (await connection.docker.getContainer(container.id).inspect(options)) as {
        SizeRw?: number
      }
      sizes.set(container.id, inspected.SizeRw ?? 0)
    }
    return sizes
  }

  /** Re-checks the engine every `intervalMs` and emits `connection` events when it changes. */
  watchConnection(intervalMs = 5_000): () => void {
    this.stopWatching()
    this.watchTimer = setInterval(() => void this.checkConnection(), intervalMs)
    this.watchTimer.unref()
    return () => this.stopWatching()
  }

  /** The live dockerode connection, for modules that need the engine (inventory, cleaner). */
  async requireEngine(): Promise<EngineConnection> {
    const state = await this.getConnection()
    if (state.status === 'connected' && this.connection) return this.connection
    throw state.status === 'unreachable'
      ? new DrydockError(state.code, state.reason)
      : new DrydockError('engine-unreachable', `Still connecting to ${state.host}.`)
  }

  close(): void {
    this.stopWatching()
    this.stopSampling()
    this.log.close()
  }

  private stopWatching(): void {
    if (this.watchTimer) clearInterval(this.watchTimer)
    this.watchTimer = null
  }

  private async checkConnection(): Promise<void> {
    if (this.pending) return
    if (this.state.status !== 'connected' || !this.connection) {
      await this.connect()
      return
    }
    try {
      await this.connection.ping()
    } catch (error) {
      this.markUnreachable(error)
    }
  }

  private connect(): Promise<ConnectionState> {
    const attempt = this.attemptConnection().finally(() => {
      this.pending = null
    })
    this.pending = attempt
    return attempt
  }

  private async attemptConnection(): Promise<ConnectionState> {
    let host: ResolvedHost
    try {
      host = this.resolve()
    } catch (error) {
      return this.setUnreachable(this.options.host ?? '', error)
    }
    if (this.state.status !== 'connecting') {
      this.setState({ status: 'connecting', host: host.url, since: this.timestamp() })
    }
    try {
      const connection =
        this.connection ?? this.takeEarlyConnection(host) ?? new EngineConnection(host)
      const engine = await connection.engineInfo()
      this.connection = connection
      const state = this.setState({
        status: 'connected',
        host: host.url,
        since: this.timestamp(),
        engine,
      })
      this.ensureFollowing()
      return state
    } catch (error) {
      this.connection = null
      return this.setUnreachable(host.url, error)
    }
  }

  private markUnreachable(error: unknown): void {
    this.connection = null
    this.setUnreachable(this.state.host, error)
  }

  private setUnreachable(host: string, error: unknown): ConnectionState {
    return this.setState({
      status: 'unreachable',
      host,
      since: this.timestamp(),
      code:
        error instanceof DrydockError && error.code === 'invalid-host'
          ? 'invalid-host'
          : 'engine-unreachable',
      reason: error instanceof Error ? error.message : String(error),
    })
  }

  private setState(next: ConnectionState): ConnectionState {
    const changed =
      next.status !== this.state.status ||
      next.host !== this.state.host ||
      (next.status === 'unreachable' &&
        this.state.status === 'unreachable' &&
        next.reason !== this.state.reason)
    this.state = next
    if (changed || next.status === 'connected')
      this.events.emit({ name: 'connection', payload: next })
    if (next.status === 'unreachable') this.stopFollowing()
    return next
  }

  /** Resolved once (it reads docker's config and TLS files); again on `reconnect`, so a
   * changed docker context is picked up. An unusable host setting throws each time. */
  private resolve(): ResolvedHost {
    this.resolvedHost ??= resolveHost({
      explicit: this.options.host ?? this.settingsHost(),
      env: this.options.env ?? process.env,
      platform: this.options.platform ?? process.platform,
    })
    return this.resolvedHost
  }

  /** The host saved in Settings, when this service follows it and the log can be read. */
  private settingsHost(): string | undefined {
    if (!this.options.hostFromSettings) return undefined
    return this.readSettings().settings.host ?? undefined
  }

  private describeHost(): string {
    try {
      return this.resolve().url
    } catch {
      return this.options.host ?? ''
    }
  }

  private timestamp(): string {
    return this.now().toISOString()
  }
}
