/**
 * Drydock's core, behind the contract: what every transport calls. No Electron here; the shell,
 * the browser-mode server and the CLI all wrap this same class.
 */
import type {
  AppInfo,
  ConnectionState,
  DrydockApi,
  EngineInfo,
  EventListener,
  EventSource,
} from '../shared/contract'
import { DrydockError } from '../shared/errors'
import { EngineConnection } from './engine/connection'
import { resolveHost, type ResolvedHost } from './engine/host'
import { EventBus } from './event-bus'

export interface ServiceOptions {
  /** `--host` or the app setting; falls back to DOCKER_HOST, the docker context, the default. */
  host?: string | undefined
  env?: Record<string, string | undefined>
  platform?: NodeJS.Platform
  transport: AppInfo['transport']
  version: string
  /** Injected clock so tests can pin timestamps. */
  now?: () => Date
}

export class DrydockService implements DrydockApi, EventSource {
  private readonly events = new EventBus()
  private readonly now: () => Date
  private state: ConnectionState
  private connection: EngineConnection | null = null
  private pending: Promise<ConnectionState> | null = null
  private watchTimer: NodeJS.Timeout | null = null

  constructor(private readonly options: ServiceOptions) {
    this.now = options.now ?? (() => new Date())
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
    return this.connect()
  }

  async getEngineInfo(): Promise<EngineInfo> {
    const connection = await this.requireEngine()
    return connection.engineInfo().catch((error: unknown) => {
      this.markUnreachable(error)
      throw error
    })
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
      const connection = this.connection ?? new EngineConnection(host)
      const engine = await connection.engineInfo()
      this.connection = connection
      return this.setState({ status: 'connected', host: host.url, since: this.timestamp(), engine })
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
    if (changed || next.status === 'connected') this.events.emit({ name: 'connection', payload: next })
    return next
  }

  private resolve(): ResolvedHost {
    return resolveHost({
      explicit: this.options.host,
      env: this.options.env ?? process.env,
      platform: this.options.platform ?? process.platform,
    })
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
