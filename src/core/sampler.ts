/**
 * Usage samples and low-disk alerts, for every long-lived process: the app and browser mode
 * (on Settings' interval, following image use live) and `drydock watch` (its own interval, and
 * its own thresholds and alert scope when given on the command line). Each sample is recorded in
 * the log, sent as a `usage` event, and fed to the disk monitor, whose changes go out as `alert`.
 */
import type { Alert, MonitorState } from '../shared/monitor'
import { DEFAULT_SETTINGS, type AlertThresholds } from '../shared/settings'
import type { DiskUsage } from '../shared/usage'
import type { ConnectionManager } from './connection-manager'
import type { EventBus } from './event-bus'
import type { LastUseTracker } from './last-use-tracker'
import type { LogAccess } from './log-access'
import { DiskMonitor, MemoryAlertStore } from './monitor'
import { AlertLog } from './store'

const MINUTE_MS = 60_000

export interface SamplerOptions {
  connections: ConnectionManager
  log: LogAccess
  events: EventBus
  tracker: LastUseTracker
  now: () => Date
  /** One reading of the engine's usage and free space. */
  readUsage: () => Promise<DiskUsage>
  /** What one click of the default policy frees now; asked only when about to alert. */
  reclaimableBytes: () => Promise<number | null>
  /** The thresholds to check; default: Settings' alerts. */
  thresholds?: () => AlertThresholds
  /** Alerts of other thresholds are kept apart (a `watch` with its own limits). */
  scope?: string
}

/** One sample and what it changed. */
export interface Sample {
  host: string
  usage: DiskUsage
  raised: Alert[]
  cleared: Alert[]
  updated: Alert[]
}

/**
 * The app and browser mode take their first sample this long after they start: the window's
 * first paint (the log's last sample) comes before the engine's df competes for the CPU.
 */
export const FIRST_SAMPLE_AFTER_START_MS = 2_000

export class Sampler {
  private timer: NodeJS.Timeout | null = null
  private firstTimer: NodeJS.Timeout | null = null
  private everyMs = 0
  private running = false
  private fixedIntervalMs: number | null = null
  private monitor: DiskMonitor | null = null
  /** Decides alerts while the log cannot be written (see observe). */
  private memoryMonitor: DiskMonitor | null = null

  constructor(private readonly options: SamplerOptions) {}

  /**
   * Samples now and then on an interval (Settings' sampling interval unless `intervalMs`), and
   * follows the engine's use events live. Both resume by themselves when the engine comes back.
   * The first sample waits `firstAfterMs`: a window opening at the same moment paints first (a
   * big engine's df takes a CPU for half a second, and the window shows the log's last sample).
   */
  start(options: { intervalMs?: number; firstAfterMs?: number } = {}): () => void {
    this.running = true
    this.fixedIntervalMs = options.intervalMs ?? null
    if (options.firstAfterMs) {
      this.firstTimer = setTimeout(() => void this.tick(), options.firstAfterMs)
      this.firstTimer.unref()
    } else void this.tick()
    return () => this.stop()
  }

  stop(): void {
    this.running = false
    if (this.firstTimer) clearTimeout(this.firstTimer)
    this.firstTimer = null
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.everyMs = 0
    this.options.tracker.stop()
  }

  /** Whether this process samples on a timer (the app, browser mode, watch). */
  get active(): boolean {
    return this.running
  }

  /** (Re)arms the timer when the interval setting changed; a no-op otherwise. */
  async reschedule(): Promise<void> {
    if (!this.running) return
    const ms =
      this.fixedIntervalMs ??
      this.options.log.readSettings().settings.samplingIntervalMinutes * MINUTE_MS
    if (this.timer && ms === this.everyMs) return
    if (this.timer) clearInterval(this.timer)
    this.everyMs = ms
    this.timer = setInterval(() => void this.tick(), ms)
    this.timer.unref()
  }

  private async tick(): Promise<void> {
    if (!this.running) return
    await this.sample().catch(() => undefined)
    const state = this.options.connections.peek()
    if (this.running && state.status === 'connected') {
      await this.options.connections.require().then(
        (connection) => this.options.tracker.follow(connection),
        () => undefined,
      )
    }
    await this.reschedule()
  }

  /** One usage sample: recorded in the log (when there is one) and sent as a `usage` event.
   * Null when the engine cannot be reached. */
  async sample(options: { afterCleanup?: boolean } = {}): Promise<Sample | null> {
    const state = await this.options.connections.current()
    if (state.status !== 'connected') return null
    const usage = await this.options.readUsage()
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
      this.options.log.open().usage.record({ ...point, host, at: new Date(usage.at) })
    } catch {
      // The history misses a point; the live event still goes out.
    }
    this.options.events.emit({ name: 'usage', payload: { ...point, host } })
    return { host, usage, ...(await this.observe(host, usage, options.afterCleanup === true)) }
  }

  monitorState(): MonitorState {
    return this.diskMonitor().state()
  }

  snooze(until: Date | null): MonitorState {
    const state = this.diskMonitor().snooze(until)
    // Every window and the tray show the snooze, whichever of them set it.
    this.options.events.emit({ name: 'monitor', payload: state })
    return state
  }

  /** Feeds a sample to the monitor and sends what it raised or cleared as `alert` events. */
  private async observe(
    host: string,
    usage: DiskUsage,
    afterCleanup: boolean,
  ): Promise<{ raised: Alert[]; cleared: Alert[]; updated: Alert[] }> {
    const monitor = this.diskMonitor()
    // The message says what one click frees: a plan, worth making only when about to alert.
    const reclaimableBytes = monitor.wouldRaise({ host, usage })
      ? await this.options.reclaimableBytes().catch(() => null)
      : null
    let changes
    try {
      changes = monitor.observe({ host, usage, reclaimableBytes, afterCleanup })
    } catch {
      // The log cannot be written — most likely the very disk that is full. The alert matters
      // more than its record: decide in memory, so it is still raised once.
      this.memoryMonitor ??= new DiskMonitor({
        now: this.options.now,
        thresholds: this.options.thresholds ?? (() => DEFAULT_SETTINGS.alerts),
        alertLog: new MemoryAlertStore(),
      })
      changes = this.memoryMonitor.observe({ host, usage, reclaimableBytes, afterCleanup })
    }
    // Updated alerts go out too (same id: no new notification), so banners show today's figures.
    for (const alert of [...changes.raised, ...changes.cleared, ...changes.updated]) {
      this.options.events.emit({ name: 'alert', payload: alert })
    }
    return changes
  }

  /** The monitor, keeping alerts in the log (shared with `drydock watch`) when there is one. */
  private diskMonitor(): DiskMonitor {
    if (this.monitor) return this.monitor
    const { log, now, scope } = this.options
    let alertLog: AlertLog | MemoryAlertStore
    try {
      alertLog = new AlertLog(log.open().db, scope)
    } catch {
      alertLog = new MemoryAlertStore()
    }
    this.monitor = new DiskMonitor({
      now,
      alertLog,
      thresholds: this.options.thresholds ?? (() => log.readSettings().settings.alerts),
    })
    return this.monitor
  }
}
