/**
 * Keeps the tray's state current: reads connection, usage, reclaimable bytes and monitor state
 * from the client, and reads them again when an event says something changed. Listeners get a
 * fresh TrayState each time, and the tray rebuilds its menu from it.
 */
import type { DrydockClient, DrydockEvent } from '../../shared/contract'
import type { EngineDisk, TrayState } from './tray-model'

export type TrayStateApi = Pick<
  DrydockClient,
  'getConnection' | 'getDiskUsage' | 'getReclaimable' | 'getMonitorState' | 'subscribe'
> &
  Partial<Pick<DrydockClient, 'listEngines'>>

type Snapshot = Omit<TrayState, 'now'>

export class TrayStateStore {
  private snapshot: Snapshot
  private readonly listeners = new Set<(state: TrayState) => void>()
  private unsubscribe: (() => void) | null = null
  private refreshing: Promise<void> | null = null
  private refreshAgain = false
  private snoozeTimer: ReturnType<typeof setTimeout> | null = null
  /** Followed engines' latest samples, by host (the shown engine's usage is read, not kept). */
  private readonly disks = new Map<string, EngineDisk>()

  constructor(
    private readonly api: TrayStateApi,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.snapshot = {
      connection: { status: 'connecting', host: '', since: now().toISOString() },
      usage: null,
      reclaimable: null,
      monitor: { active: [], snoozedUntil: null, lastCheckAt: null },
      cleanupRunning: false,
    }
  }

  get state(): TrayState {
    return { ...this.snapshot, now: this.now() }
  }

  onChange(listener: (state: TrayState) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Reads everything once, then follows the events. */
  async start(): Promise<void> {
    this.unsubscribe = this.api.subscribe((event) => this.onEvent(event))
    await this.refresh()
  }

  stop(): void {
    this.unsubscribe?.()
    this.unsubscribe = null
    if (this.snoozeTimer) clearTimeout(this.snoozeTimer)
    this.snoozeTimer = null
  }

  setCleanupRunning(running: boolean): void {
    this.update({ cleanupRunning: running })
    // After a cleanup the usage and what is left to reclaim have changed.
    if (!running) void this.refresh()
  }

  /** Re-reads from the service; concurrent calls collapse into one more pass. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true
      return this.refreshing
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false
        // A failed read leaves the last state shown; the next event reads again.
        await this.readAll().catch(() => undefined)
      } while (this.refreshAgain)
    })().finally(() => {
      this.refreshing = null
    })
    return this.refreshing
  }

  private onEvent(event: DrydockEvent): void {
    switch (event.name) {
      case 'connection':
        this.update({ connection: event.payload })
        void this.refresh()
        return
      case 'usage':
        // A followed engine's sample: its disk line, no need to read the shown engine again.
        if (event.payload.host !== this.snapshot.connection.host) {
          const { host, freeBytes, totalBytes } = event.payload
          this.disks.set(host, { host, freeBytes, totalBytes })
          this.update({ otherDisks: [...this.disks.values()] })
          return
        }
        void this.refresh()
        return
      case 'alert':
        void this.refresh()
        return
      case 'monitor':
        // A snooze set from the window (or another tab) shows in the menu at once.
        this.update({ monitor: event.payload })
        return
      case 'progress':
      case 'navigate':
        return
    }
  }

  private async readAll(): Promise<void> {
    const [connection, monitor] = await Promise.all([
      this.api.getConnection(),
      this.api.getMonitorState().catch(() => this.snapshot.monitor),
    ])
    const connected = connection.status === 'connected'
    // With no engine the figures are unknown: the tray says so instead of showing stale ones.
    const [usage, reclaimable] = connected
      ? await Promise.all([
          this.api.getDiskUsage().catch(() => this.snapshot.usage),
          this.api.getReclaimable().catch(() => null),
        ])
      : [null, null]
    // Engines no longer followed drop out of the disk lines.
    const engines = await this.api.listEngines?.().catch(() => null)
    if (engines) {
      const followed = new Set(engines.filter((e) => e.followed).map((e) => e.host))
      for (const host of this.disks.keys()) if (!followed.has(host)) this.disks.delete(host)
    }
    this.update({ connection, monitor, usage, reclaimable, otherDisks: [...this.disks.values()] })
  }

  private update(patch: Partial<Snapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch }
    if (patch.monitor) this.wakeAtSnoozeEnd(patch.monitor.snoozedUntil)
    const state = this.state
    for (const listener of [...this.listeners]) listener(state)
  }

  /** When a snooze ends nothing else happens: rebuild then, so "Resume alerts" goes away. */
  private wakeAtSnoozeEnd(until: string | null): void {
    if (this.snoozeTimer) clearTimeout(this.snoozeTimer)
    this.snoozeTimer = null
    if (until === null) return
    const delay = Date.parse(until) - this.now().getTime()
    if (!(delay > 0)) return
    // setTimeout takes at most ~24.8 days; a snooze is an hour or a night.
    this.snoozeTimer = setTimeout(() => void this.refresh(), Math.min(delay + 1000, 2 ** 31 - 1))
    this.snoozeTimer.unref?.()
  }
}
