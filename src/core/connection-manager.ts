/**
 * The engine connection as a state machine (connecting → connected | unreachable), for every
 * caller of the core: resolves the host (flag, Settings, DOCKER_HOST, context, default), checks
 * it, re-checks it on a timer, reconnects on demand or when the host setting changes, and reads
 * the inventory. The first inventory of a process is sent together with the connection check
 * (the CLI's only call), and once per engine the runs a crash interrupted are settled.
 */
import type { ConnectionState, EngineInfo } from '../shared/contract'
import { DrydockError, errorMessage } from '../shared/errors'
import { reconcileInterruptedRuns } from './cleaner/reconcile'
import { canReadBuildCacheOverGrpc, readBuildCacheOverGrpc } from './engine/build-cache-grpc'
import { EngineConnection } from './engine/connection'
import type { EarlyReads } from './engine/early-reads'
import { engineUnreachable } from './engine/errors'
import { resolveHost, type ResolvedHost } from './engine/host'
import { fetchInventory, type Inventory, type InventoryOptions } from './engine/inventory'
import { buildCacheOf } from './engine/kinds'
import {
  hasBuildKitImages,
  leanKinds,
  readKinds,
  readRecords,
  type RecordsRead,
} from './kinds-reader'
import type { EventBus } from './event-bus'
import type { LogAccess } from './log-access'
import { recordSlots } from './planner/build-cache-layers'

export interface ConnectionOptions {
  /** `--host`; falls back to the Settings host (when followed), DOCKER_HOST, context, default. */
  host?: string | undefined
  env: Record<string, string | undefined>
  platform: NodeJS.Platform
  /** The host saved in Settings, when this process follows it (the app, browser mode). */
  settingsHost: () => string | undefined
  log: LogAccess
  events: EventBus
  now: () => Date
  /** Requests the CLI sent before it had loaded (early-reads.ts): adopted by the first
   * connection check and inventory read on the same host. */
  early?: EarlyReads | null
}

/**
 * How a read includes volumes, build cache and sizes: `fresh` waits for a new `/system/df` (every
 * size, volumes' included); `cached` takes the last one (and refreshes it behind); `lean` reads
 * only what a plan that removes no volume needs, without `/system/df`: the volumes, BuildKit's
 * records (build-cache-grpc.ts) and the containers' writable-layer sizes (listed with them).
 */
export type KindsRead = 'fresh' | 'cached' | 'lean'

export interface InventoryRead {
  connection: EngineConnection
  inventory: Inventory
  engine: EngineInfo
}

/** An engine failure as a contract error: an HTTP status means the engine answered. */
export function engineFailure(error: unknown, connection: EngineConnection): DrydockError {
  if (error instanceof DrydockError) return error
  if (typeof (error as { statusCode?: unknown }).statusCode !== 'number') {
    return engineUnreachable(error, connection.host)
  }
  const message = errorMessage(error)
  return new DrydockError('engine-error', `The engine at ${connection.host.url} failed: ${message}`)
}

export class ConnectionManager {
  private state: ConnectionState
  private connection: EngineConnection | null = null
  private pending: Promise<ConnectionState> | null = null
  private resolvedHost: ResolvedHost | null = null
  /** Made by a first inventory read ahead of the connection check, which then adopts it. */
  private earlyConnection: EngineConnection | null = null
  private watchTimer: NodeJS.Timeout | null = null
  private readonly reconciledHosts = new Set<string>()
  private readonly connectedListeners = new Set<(connection: EngineConnection) => void>()
  private readonly progressListeners = new Set<(done: number, total: number) => void>()
  private readonly listsListeners = new Set<
    (phase: 'sent' | 'in', connection: EngineConnection) => void
  >()
  /** What the CLI sent early and was not adopted yet (see ConnectionOptions.early). */
  private earlyCheck: EarlyReads | null
  private earlyLists: EarlyReads | null
  private earlyGetter: EarlyReads | null
  private earlyRecords: EarlyReads | null

  constructor(private readonly options: ConnectionOptions) {
    this.earlyCheck = this.earlyLists = this.earlyGetter = this.earlyRecords = options.early ?? null
    this.state = { status: 'connecting', host: this.describeHost(), since: this.timestamp() }
  }

  /** Told as the layer facts of images unknown to the cache arrive (a cold read): done of total. */
  onInventoryProgress(listener: (done: number, total: number) => void): () => void {
    this.progressListeners.add(listener)
    return () => this.progressListeners.delete(listener)
  }

  /** Told when an inventory read's image and container lists are on their way (`sent`; the CLI's
   * early ones may be answered already) and when they are in, with the connection they went on
   * (the CLI's `clean` prepares its run then: cleaner/watch-ahead.ts). */
  onLists(listener: (phase: 'sent' | 'in', connection: EngineConnection) => void): () => void {
    this.listsListeners.add(listener)
    return () => this.listsListeners.delete(listener)
  }

  /** Waits for a first (or in-flight) connection attempt, so callers never see a stale state. */
  async current(): Promise<ConnectionState> {
    if (this.pending) return this.pending
    if (this.state.status === 'connecting') return this.connect()
    return this.state
  }

  /** The state as it is now, without waiting. */
  peek(): ConnectionState {
    return this.state
  }

  async reconnect(): Promise<ConnectionState> {
    if (this.pending) return this.pending
    this.connection = null
    this.resolvedHost = null
    return this.connect()
  }

  /** Called with each new connection (the live use-event follower starts there). */
  onConnected(listener: (connection: EngineConnection) => void): () => void {
    this.connectedListeners.add(listener)
    return () => this.connectedListeners.delete(listener)
  }

  /** The live connection, or the reason there is none as a contract error. */
  async require(): Promise<EngineConnection> {
    const state = await this.current()
    if (state.status === 'connected' && this.connection) return this.connection
    throw state.status === 'unreachable'
      ? new DrydockError(state.code, state.reason)
      : new DrydockError('engine-unreachable', `Still connecting to ${state.host}.`)
  }

  /** The facts a plan needs (host, version, store kind, data root) came with the connection. */
  async engineFacts(connection: EngineConnection): Promise<EngineInfo> {
    return this.state.status === 'connected' ? this.state.engine : connection.engineInfo()
  }

  /** Marks the engine unreachable after a failed call (and says so to subscribers). */
  lost(error: unknown): void {
    this.connection = null
    // A run that was going on lost the engine too: what it had in flight is settled at the next
    // read once the engine is back, not only at the next start.
    this.reconciledHosts.clear()
    this.setUnreachable(this.state.host, error)
  }

  /**
   * Images and containers with their layer facts (from the log's cache when known); with
   * `kinds`, also volumes, build cache and sizes (see KindsRead).
   */
  async readInventory(options: { kinds?: KindsRead } = {}): Promise<InventoryRead> {
    const { log } = this.options
    // A first call (the CLI's only one) sends the lists together with the connection check
    // instead of after it; the lists are used only if that check succeeds on the same connection.
    const early =
      this.state.status === 'connecting' && !this.pending && !this.connection
        ? this.makeEarlyConnection()
        : null
    // The check goes out first; opening the log (inside fetchInventory) then overlaps with both.
    const connecting = this.require()
    const lean = options.kinds === 'lean'
    // BuildKit's records, asked for as soon as it is likely they are needed: for a lean read,
    // or when the log has seen BuildKit build images before (see addKinds).
    const ahead: { records: Promise<RecordsRead> | null } = { records: null }
    const recordsFrom = (connection: EngineConnection) => {
      ahead.records ??= readRecords(connection, this.takeEarlyRecords(connection.host.url))
      ahead.records.catch(() => undefined)
    }
    const inventoryOptions = (connection: EngineConnection): InventoryOptions => ({
      get: connection.getJson,
      pipelined: connection.pipelined,
      containerSizes: lean,
      ...(this.progressListeners.size > 0
        ? {
            onProgress: (done: number, total: number) => {
              for (const listener of this.progressListeners) listener(done, total)
            },
          }
        : {}),
      ...(this.listsListeners.size > 0
        ? { onListed: () => this.listsListeners.forEach((tell) => tell('in', connection)) }
        : {}),
      onCacheOpen: (cache) => {
        // The lists are on their way (fetchInventory opens the log meanwhile).
        this.listsListeners.forEach((tell) => tell('sent', connection))
        if (lean || (!options.kinds && cache.knowsBuildKit?.())) recordsFrom(connection)
      },
      // An image BuildKit built: its records are needed (see CleanupService.plan).
      ...(options.kinds ? {} : { onBuildKit: () => recordsFrom(connection) }),
      // A cold read asks for histories only where they tell something new, which needs the
      // records, over BuildKit's own API (/system/df would cost more than it saves). A plan's read
      // shares them with the plan, which needs them where BuildKit built images; a read with the
      // kinds gets them from /system/df later, so it asks BuildKit alone here.
      recordSlots: async () => {
        const engine = await this.engineFacts(await connecting)
        if (engine.engineKind !== 'docker' || engine.imageStore !== 'graphdriver') return null
        if (connection.buildKitApi === false || !canReadBuildCacheOverGrpc(connection.host))
          return null
        if (options.kinds === 'fresh' || options.kinds === 'cached') {
          const answer = await readBuildCacheOverGrpc(connection.host)
          return recordSlots(buildCacheOf({ BuildCache: answer }))
        }
        recordsFrom(connection)
        return recordSlots((await ahead.records!).records)
      },
    })
    const earlyInventory = early
      ? fetchInventory(early.docker, () => log.layerCache(), {
          ...inventoryOptions(early),
          ...this.takeEarlyLists(early.host.url),
        }).then(
          (inventory) => ({ ok: true as const, inventory }),
          (error: unknown) => ({ ok: false as const, error }),
        )
      : null
    const connection = await connecting
    const engine = await this.engineFacts(connection)
    const kinds =
      options.kinds === 'fresh' || options.kinds === 'cached'
        ? readKinds(connection, options.kinds)
        : null
    kinds?.catch(() => undefined)
    try {
      const listed = connection === early && earlyInventory ? await earlyInventory : null
      if (listed && !listed.ok) throw listed.error
      const inventory =
        listed?.inventory ??
        (await fetchInventory(connection.docker, () => log.layerCache(), {
          ...inventoryOptions(connection),
        }))
      if (kinds) inventory.kinds = await kinds
      else if (lean) inventory.kinds = await leanKinds(connection, inventory, ahead.records, true)
      else if (hasBuildKitImages(inventory)) {
        // Asked for ahead (the log had seen such images, or the CLI sent it early): use it now.
        const early = this.takeEarlyRecords(connection.host.url)
        if (early) ahead.records ??= readRecords(connection, early)
        if (ahead.records) {
          inventory.kinds = await leanKinds(connection, inventory, ahead.records, false)
        }
      }
      this.reconcileOnce(connection.host.url, inventory)
      return { connection, inventory, engine }
    } catch (error) {
      const failure = engineFailure(error, connection)
      // The state's reason is the sentence (host and cause), not the request's raw error.
      if (failure.code === 'engine-unreachable') this.lost(failure)
      throw failure
    }
  }

  /** Re-checks the engine every `intervalMs` and emits `connection` events when it changes. */
  watch(intervalMs = 5_000): () => void {
    this.stopWatching()
    this.watchTimer = setInterval(() => void this.check(), intervalMs)
    this.watchTimer.unref()
    return () => this.stopWatching()
  }

  close(): void {
    this.stopWatching()
    this.connection?.close()
    this.earlyConnection?.close()
  }

  private stopWatching(): void {
    if (this.watchTimer) clearInterval(this.watchTimer)
    this.watchTimer = null
  }

  private async check(): Promise<void> {
    if (this.pending) return
    if (this.state.status !== 'connected' || !this.connection) {
      await this.connect()
      return
    }
    try {
      await this.connection.ping()
    } catch (error) {
      this.lost(error)
    }
  }

  /**
   * Settles the runs a crash interrupted as soon as the engine answers: reads the inventory only
   * when the log has such items for this engine (and the kinds they need). Never throws.
   */
  async settleInterrupted(): Promise<void> {
    try {
      // Nothing to settle for this engine: no need to reach it (history works offline).
      const { journal } = this.options.log.open()
      if (journal.uncertainItems(this.state.host).length === 0) return
      const state = await this.current()
      if (state.status !== 'connected' || this.reconciledHosts.has(state.host)) return
      const uncertain = journal.uncertainItems(state.host)
      if (uncertain.length === 0) {
        this.reconciledHosts.add(state.host)
        return
      }
      const needsKinds = uncertain.some(
        (item) => item.kind === 'volume' || item.kind === 'build-cache',
      )
      await this.readInventory(needsKinds ? { kinds: 'fresh' } : {})
    } catch {
      // No log, no engine: nothing to settle now; the next read tries again.
    }
  }

  /** Adds volumes, build cache and sizes to an inventory read without them. */
  async addKinds(connection: EngineConnection, inventory: Inventory, sizes: KindsRead) {
    try {
      inventory.kinds =
        sizes === 'lean'
          ? await leanKinds(connection, inventory, null, false)
          : await readKinds(connection, sizes)
    } catch (error) {
      throw engineFailure(error, connection)
    }
    this.reconcileOnce(connection.host.url, inventory)
  }

  /** Settles, once per engine, what runs interrupted by a crash left uncertain. */
  private reconcileOnce(host: string, inventory: Inventory): void {
    if (this.reconciledHosts.has(host)) return
    try {
      const engineId = this.state.status === 'connected' ? this.state.engine.id : undefined
      const { waiting } = reconcileInterruptedRuns(this.options.log.open().journal, host, {
        inventory,
        ...(engineId ? { engineId } : {}),
        ...(inventory.kinds
          ? { volumes: new Set(inventory.kinds.volumes.map((volume) => volume.name)) }
          : {}),
        ...(inventory.kinds?.buildCache
          ? { buildCache: new Set(inventory.kinds.buildCache.map((record) => record.id)) }
          : {}),
      })
      // Items of a kind this read did not include wait for a read that does.
      if (waiting === 0) this.reconciledHosts.add(host)
    } catch {
      // Without a log there is nothing to settle; planning goes on.
      this.reconciledHosts.add(host)
    }
  }

  /** A connection made ahead of the connection check, or null when the host is unusable. */
  private makeEarlyConnection(): EngineConnection | null {
    try {
      this.earlyConnection = this.newConnection(this.resolve())
      return this.earlyConnection
    } catch {
      return null
    }
  }

  /** A connection to `host`, on the connections the CLI's early reads opened to it (once). */
  private newConnection(host: ResolvedHost): EngineConnection {
    const early = this.earlyGetter
    this.earlyGetter = null
    const connection = new EngineConnection(host, early?.url === host.url ? early.pipelined : null)
    // What a probe showed about the engine's filesystem is kept for the next process (CLI).
    const { log } = this.options
    connection.disks.keepVerdictsIn({
      confirmed: (key, maxAgeMs) => log.open().diskVerdicts.confirmed(key, maxAgeMs),
      remember: (key) => log.open().diskVerdicts.remember(key),
    })
    return connection
  }

  /** The lists the CLI sent early to this host, once. */
  private takeEarlyLists(url: string): Pick<InventoryOptions, 'lists'> {
    const early = this.earlyLists
    this.earlyLists = null
    return early?.url === url && early.lists ? { lists: early.lists } : {}
  }

  /** BuildKit's records (and the volumes) the CLI asked this host for early, once. */
  private takeEarlyRecords(url: string): EarlyReads | null {
    const early = this.earlyRecords
    this.earlyRecords = null
    return early?.url === url && early.buildCache ? early : null
  }

  /** The connection check the CLI sent early to this host, once. */
  private takeEarlyCheck(url: string): EarlyReads | undefined {
    const early = this.earlyCheck
    this.earlyCheck = null
    return early?.url === url ? early : undefined
  }

  private takeEarlyConnection(host: ResolvedHost): EngineConnection | null {
    const early = this.earlyConnection
    this.earlyConnection = null
    return early && early.host.url === host.url ? early : null
  }

  private connect(): Promise<ConnectionState> {
    const attempt = this.attempt().finally(() => {
      this.pending = null
    })
    this.pending = attempt
    return attempt
  }

  private async attempt(): Promise<ConnectionState> {
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
        this.connection ?? this.takeEarlyConnection(host) ?? this.newConnection(host)
      const engine = await connection.engineInfo(this.takeEarlyCheck(host.url))
      this.connection = connection
      const state = this.setState({
        status: 'connected',
        host: host.url,
        since: this.timestamp(),
        engine,
      })
      for (const listener of this.connectedListeners) listener(connection)
      return state
    } catch (error) {
      this.connection = null
      return this.setUnreachable(host.url, error)
    }
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
      reason: errorMessage(error),
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
    if (changed || next.status === 'connected') {
      this.options.events.emit({ name: 'connection', payload: next })
    }
    return next
  }

  /** Resolved once (it reads docker's config and TLS files); again on `reconnect`, so a
   * changed docker context is picked up. An unusable host setting throws each time. */
  private resolve(): ResolvedHost {
    this.resolvedHost ??= resolveHost({
      explicit: this.options.host ?? this.options.settingsHost(),
      env: this.options.env,
      platform: this.options.platform,
    })
    return this.resolvedHost
  }

  private describeHost(): string {
    try {
      return this.resolve().url
    } catch {
      return this.options.host ?? ''
    }
  }

  private timestamp(): string {
    return this.options.now().toISOString()
  }
}
