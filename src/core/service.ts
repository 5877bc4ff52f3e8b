/**
 * Drydock's core behind the contract: what every transport calls. Thin on purpose — each method
 * hands over to the module that owns its job:
 *
 *   ConnectionManager  the engine connection, its state and the inventory
 *   ImageReader        the Images page's inventory and each image's sharers
 *   CleanupService     plans, runs, cancels; reclaimable bytes
 *   Sampler            usage samples, the disk monitor and its alerts
 *   LastUseTracker     when each image was last used
 *   LogAccess          the SQLite log (runs, samples, settings)
 *
 * No Electron here; the shell, the browser-mode server and the CLI all wrap this same class.
 */
import type {
  AppInfo,
  ConnectionState,
  DrydockHandlers,
  EngineInfo,
  EventListener,
  EventSource,
  LogStatus,
  ParsedRequest,
} from '../shared/contract'
import type { Plan, Selection } from '../shared/cleanup'
import { DrydockError } from '../shared/errors'
import type { RunDetail, RunSummary, RunTrigger } from '../shared/history'
import type { ImageSharer, ImageView } from '../shared/images'
import type { AutomationStatus } from '../shared/automation'
import type { EngineEntry } from '../shared/engines'
import type { BuildCacheList, ContainerList, VolumeList } from '../shared/kinds'
import type { MonitorState } from '../shared/monitor'
import type { Settings, SettingsPatch } from '../shared/settings'
import type { DiskUsage, LatestUsage, Reclaimable, UsageSeries } from '../shared/usage'
import { CleanupService } from './cleanup-service'
import { ConnectionManager, engineFailure } from './connection-manager'
import { readUsage } from './usage-reader'
import { modemOptionsFor } from './engine/host'
import type { EngineConnection } from './engine/connection'
import type { EarlyReads } from './engine/early-reads'
import { pullImage } from './engine/image-pull'
import { exitTimes } from './engine/kinds'
import { describeBuildCache, describeContainers, describeVolumes } from './kind-views'
import { EventBus } from './event-bus'
import { Automation, realClock, type Clock } from './automation'
import { EngineFleet } from './engine-fleet'
import { LastUseTracker } from './last-use-tracker'
import { LogAccess } from './log-access'
import { ImageReader } from './image-reader'
import { Sampler, type SamplerOptions } from './sampler'
import { errorMessage } from '../shared/errors'

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
  /** Engine requests the CLI sent before it loaded (engine/early-reads.ts). */
  early?: EarlyReads | null
  /** Injected clock so tests can pin timestamps. */
  now?: () => Date
  /** Timers for automatic cleanup (a fake clock in tests); default: the real one. */
  clock?: Clock
  /** True while on battery power (the app passes Electron's powerMonitor). */
  onBattery?: () => boolean
}

export class DrydockService implements DrydockHandlers, EventSource {
  private readonly events = new EventBus()
  private readonly now: () => Date
  readonly log: LogAccess
  readonly connections: ConnectionManager
  readonly cleanups: CleanupService
  readonly sampler: Sampler
  readonly automation: Automation
  readonly fleet: EngineFleet
  private readonly tracker: LastUseTracker
  private readonly images: ImageReader

  constructor(private readonly options: ServiceOptions) {
    this.now = options.now ?? (() => new Date())
    this.log = new LogAccess(
      options.databasePath ?? null,
      options.sqliteBinding,
      options.onLogRecovered,
    )
    this.tracker = new LastUseTracker(this.log, this.now)
    this.connections = new ConnectionManager({
      host: options.host,
      env: options.env ?? process.env,
      platform: options.platform ?? process.platform,
      settingsHost: () =>
        options.hostFromSettings ? (this.log.readSettings().settings.host ?? undefined) : undefined,
      log: this.log,
      events: this.events,
      now: this.now,
      early: options.early ?? null,
    })
    this.images = new ImageReader(this.connections, this.tracker, this.log)
    this.cleanups = new CleanupService({
      connections: this.connections,
      log: this.log,
      events: this.events,
      tracker: this.tracker,
      now: this.now,
      // After every run in the app: the usage history shows the drop, the monitor re-checks.
      // The next free-space reading must show what the run freed, not a cached probe.
      afterRun: () => {
        const state = this.connections.peek()
        const settled =
          state.status === 'connected'
            ? this.connections.require().then((connection) => connection.disks.forgetProbe())
            : Promise.resolve()
        void settled
          .catch(() => undefined)
          .then(() => {
            if (this.sampler.active) {
              void this.sampler.sample({ afterCleanup: true }).catch(() => undefined)
            }
          })
      },
    })
    this.sampler = this.createSampler()
    this.fleet = new EngineFleet({
      log: this.log,
      events: this.events,
      now: this.now,
      env: options.env ?? process.env,
      platform: options.platform ?? process.platform,
    })
    this.automation = new Automation({
      log: this.log,
      connections: this.connections,
      cleanups: this.cleanups,
      events: this.events,
      clock: options.clock ?? { ...realClock, now: this.now },
      ...(options.onBattery ? { onBattery: options.onBattery } : {}),
    })
    // Live use events stop with the engine; the sampler's next tick follows again.
    this.connections.onConnected((connection) => {
      if (this.sampler.active) this.tracker.follow(connection)
      // Lists answered with older sizes are told when fresh ones land.
      connection.diskUsage.onFresh((at) =>
        this.events.emit({
          name: 'sizes',
          payload: { host: connection.host.url, at: at.toISOString() },
        }),
      )
    })
    this.events.subscribe((event) => {
      if (event.name === 'connection' && event.payload.status === 'unreachable') this.tracker.stop()
    })
  }

  /**
   * A sampler on this service's engine and log; `watch` makes one with its own thresholds and
   * interval. A probe of free space is reused for up to one interval (Settings' sampling
   * interval unless given), so a sample never asks the engine more often than it samples.
   */
  createSampler(
    overrides: Pick<SamplerOptions, 'thresholds' | 'scope'> & { intervalMs?: number } = {},
  ): Sampler {
    const { intervalMs, ...rest } = overrides
    return new Sampler({
      connections: this.connections,
      log: this.log,
      events: this.events,
      tracker: this.tracker,
      now: this.now,
      readUsage: () => this.readDiskUsage(intervalMs ?? this.samplingIntervalMs()),
      reclaimableBytes: () =>
        this.cleanups.reclaimable().then((reclaimable) => reclaimable.defaultPolicyBytes),
      ...rest,
    })
  }

  private samplingIntervalMs(): number {
    return this.log.readSettings().settings.samplingIntervalMinutes * 60_000
  }

  subscribe(listener: EventListener): () => void {
    return this.events.subscribe(listener)
  }

  async getAppInfo(): Promise<AppInfo> {
    return { name: 'Drydock', version: this.options.version, transport: this.options.transport }
  }

  getConnection(): Promise<ConnectionState> {
    return this.connections.current()
  }

  reconnect(): Promise<ConnectionState> {
    return this.connections.reconnect()
  }

  async listEngines(): Promise<EngineEntry[]> {
    // Engines Drydock sampled or cleaned before stay in the list after a switch.
    let seen: string[] = []
    try {
      seen = this.log.open().usage.hosts()
    } catch {
      // No log: what is found and configured only.
    }
    return this.fleet.list(this.connections.peek().host, seen)
  }

  /** Shows and plans on another engine (saved as Settings' host); held plans stay bound to the
   * engine they were made on, so running one now is refused. */
  async switchEngine(request: { host: string }): Promise<ConnectionState> {
    if (!this.options.hostFromSettings || this.options.host) {
      throw new DrydockError(
        'invalid-request',
        'This Drydock was started with --host: it stays on that engine.',
      )
    }
    await this.updateSettings({ host: request.host })
    const state = await this.connections.reconnect()
    if (this.fleet.active) this.fleet.follow(state.host)
    // Its dashboard starts with today's figures, not empty until the next sampling interval.
    if (this.sampler.active) void this.sampler.sample().catch(() => undefined)
    return state
  }

  async getEngineInfo(): Promise<EngineInfo> {
    const connection = await this.connections.require()
    return connection.engineInfo().catch((error: unknown) => {
      this.connections.lost(error)
      throw error
    })
  }

  getDiskUsage(): Promise<DiskUsage> {
    return this.readDiskUsage(this.samplingIntervalMs())
  }

  private readDiskUsage(probeMaxAgeMs: number): Promise<DiskUsage> {
    return readUsage(this.connections, this.now, probeMaxAgeMs)
  }

  listImages(): Promise<ImageView[]> {
    return this.images.list()
  }

  getImageSharers(request: { id: string }): Promise<ImageSharer[]> {
    return this.images.sharers(request.id)
  }

  async listContainers(): Promise<ContainerList> {
    const { connection, inventory } = await this.connections.readInventory({ kinds: 'cached' })
    const exits = await exitTimes(connection.docker, inventory.containers)
    return describeContainers(inventory, exits, connection.diskUsage.refreshing)
  }

  async listVolumes(): Promise<VolumeList> {
    const { connection, inventory } = await this.connections.readInventory({ kinds: 'cached' })
    return describeVolumes(inventory, connection.diskUsage.refreshing)
  }

  async listBuildCache(): Promise<BuildCacheList> {
    const { connection, inventory } = await this.connections.readInventory({ kinds: 'cached' })
    return describeBuildCache(inventory, connection.diskUsage.refreshing)
  }

  planCleanup(selection: Selection): Promise<Plan> {
    return this.cleanups.plan(selection)
  }

  runCleanup(request: {
    planId: string
    trigger: RunTrigger
  }): Promise<{ runId: string; planId: string }> {
    return this.cleanups.run(request)
  }

  async cancelCleanup(request: { runId: string }): Promise<{ cancelled: boolean }> {
    return { cancelled: this.cleanups.cancel(request.runId) }
  }

  async listRuns(request: ParsedRequest<'listRuns'>): Promise<RunSummary[]> {
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
    const connection = await this.connections.require()
    try {
      return {
        reference: request.reference,
        imageId: await pullImage(connection, request.reference),
      }
    } catch (error) {
      throw engineFailure(error, connection)
    }
  }

  async getUsageSeries(request: ParsedRequest<'getUsageSeries'>): Promise<UsageSeries> {
    const { usage } = this.log.open()
    const state = this.connections.peek()
    const host = request.host ?? (state.status === 'connected' ? state.host : usage.latestHost())
    if (host === null) return { host: null, resolution: 'raw', points: [] }
    return usage.series({
      host,
      from: new Date(request.from),
      to: new Date(request.to),
      maxPoints: request.maxPoints,
      now: this.now(),
    })
  }

  async getLatestUsage(request: ParsedRequest<'getLatestUsage'>): Promise<LatestUsage | null> {
    const host = request.host ?? this.connections.peek().host
    const point = this.log.open().usage.latest(host)
    return point === null ? null : { ...point, host }
  }

  getReclaimable(): Promise<Reclaimable> {
    return this.cleanups.reclaimable()
  }

  async getLogStatus(): Promise<LogStatus> {
    try {
      const { recoveredFrom } = this.log.open()
      return {
        path: this.log.path,
        status: 'ok',
        error: null,
        movedAsideTo: recoveredFrom,
        recoveryPending: this.log.pendingRecovery(),
      }
    } catch (error) {
      return {
        path: this.log.path,
        status: 'unusable',
        error: errorMessage(error),
        movedAsideTo: null,
        recoveryPending: null,
      }
    }
  }

  async acknowledgeLogRecovery(): Promise<LogStatus> {
    this.log.acknowledgeRecovery()
    return this.getLogStatus()
  }

  /** The settings; the defaults when there is no usable log (reading never fails). */
  async getSettings(): Promise<Settings> {
    return this.log.readSettings().settings
  }

  async updateSettings(patch: SettingsPatch): Promise<Settings> {
    // A host that cannot work is refused now, with the reason, not saved to fail later.
    if (patch.host) modemOptionsFor(patch.host, null, this.options.env ?? process.env)
    const { settings } = this.log.open()
    const before = settings.get()
    const next = settings.update(patch)
    if (this.options.hostFromSettings && !this.options.host && next.host !== before.host) {
      void this.connections.reconnect()
    }
    if (next.samplingIntervalMinutes !== before.samplingIntervalMinutes) {
      void this.sampler.reschedule()
    }
    if (JSON.stringify(next.automation) !== JSON.stringify(before.automation)) {
      this.automation.rearm()
    }
    if (this.fleet.active && next.followedEngines.join() !== before.followedEngines.join()) {
      this.fleet.follow(this.connections.peek().host)
    }
    return next
  }

  getAutomation(): Promise<AutomationStatus> {
    return this.automation.status()
  }

  async getMonitorState(): Promise<MonitorState> {
    return this.sampler.monitorState()
  }

  async snoozeAlerts(request: { until: string | null }): Promise<MonitorState> {
    return this.sampler.snooze(request.until === null ? null : new Date(request.until))
  }

  /** Long-lived processes (the app, browser mode): samples on Settings' interval, and runs
   * automatic cleanup when Settings turn it on. */
  startSampling(options: { firstAfterMs?: number } = {}): () => void {
    const stopSampling = this.sampler.start(options)
    const stopAutomation = this.automation.start()
    this.fleet.follow(this.connections.peek().host, options.firstAfterMs)
    return () => {
      stopSampling()
      stopAutomation()
      this.fleet.stop()
    }
  }

  /**
   * Ahead of an after-run sample (the CLI's `clean`, while it plans): whether free space can be
   * read here with statfs is settled now, so the sample after the run needs no probe. Never throws.
   */
  async prepareUsageSample(): Promise<void> {
    try {
      // On the connection the plan makes (asking for one here would race its first read).
      const connection =
        this.connections.peek().status === 'connected'
          ? await this.connections.require()
          : await new Promise<EngineConnection>((resolve) => {
              const stop = this.connections.onConnected((connected) => {
                stop()
                resolve(connected)
              })
            })
      await connection.disks.settleVerdict(await this.connections.engineFacts(connection))
    } catch {
      // The sample probes then, as it always did.
    }
  }

  /** One usage sample now (the CLI's after-run sample). */
  async sampleUsage(): Promise<DiskUsage | null> {
    return (await this.sampler.sample())?.usage ?? null
  }

  /** Re-checks the engine every `intervalMs` and emits `connection` events when it changes. */
  watchConnection(intervalMs = 5_000): () => void {
    return this.connections.watch(intervalMs)
  }

  close(): void {
    this.cleanups.close()
    this.connections.close()
    this.sampler.stop()
    this.automation.stop()
    this.fleet.stop()
    this.log.close()
  }
}
