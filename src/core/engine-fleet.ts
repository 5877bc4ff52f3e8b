/**
 * Several engines at once. One engine is current (the window's pages and plans use it); the
 * engines Settings follows are sampled too, each with its own connection, usage history, use
 * events and alerts, so a full VM disk is told even while another engine is shown.
 */
import type { EngineEntry } from '../shared/engines'
import { ConnectionManager } from './connection-manager'
import { discoverEngines } from './engine/discovery'
import type { EventBus } from './event-bus'
import { LastUseTracker } from './last-use-tracker'
import type { LogAccess } from './log-access'
import { Sampler } from './sampler'
import { readUsage } from './usage-reader'

export interface FleetOptions {
  log: LogAccess
  events: EventBus
  now: () => Date
  env: Record<string, string | undefined>
  platform: NodeJS.Platform
}

interface Follower {
  connections: ConnectionManager
  sampler: Sampler
  stop: () => void
}

export class EngineFleet {
  private readonly followers = new Map<string, Follower>()
  private running = false

  constructor(private readonly options: FleetOptions) {}

  /** Every engine known: found on this machine, saved in Settings, followed, and the current. */
  list(current: string, seen: string[] = []): EngineEntry[] {
    const { settings } = this.options.log.readSettings()
    const found = discoverEngines({ env: this.options.env, platform: this.options.platform })
    const entries: EngineEntry[] = found.map((engine) => ({
      ...engine,
      current: engine.host === current,
      followed: settings.followedEngines.includes(engine.host),
    }))
    const add = (host: string, name: string, source: string) => {
      if (host && !entries.some((entry) => entry.host === host)) {
        entries.push({
          host,
          name,
          source,
          current: host === current,
          followed: settings.followedEngines.includes(host),
        })
      }
    }
    add(current, 'current', 'connection')
    if (settings.host) add(settings.host, 'Settings', 'settings')
    for (const host of settings.followedEngines) add(host, host, 'settings')
    for (const host of seen) add(host, host, 'history')
    return entries
  }

  /** Samples every followed engine except `current` (whose sampler is the service's own); their
   * first samples wait `firstAfterMs` (the app's and browser mode's start: the window first). */
  follow(current: string, firstAfterMs = 0): void {
    this.running = true
    const { settings } = this.options.log.readSettings()
    const wanted = new Set(settings.followedEngines.filter((host) => host !== current))
    for (const [host, follower] of this.followers) {
      if (!wanted.has(host)) {
        follower.stop()
        this.followers.delete(host)
      }
    }
    for (const host of wanted) {
      if (this.followers.has(host)) continue
      this.followers.set(host, this.startFollower(host, firstAfterMs))
    }
  }

  stop(): void {
    this.running = false
    for (const follower of this.followers.values()) follower.stop()
    this.followers.clear()
  }

  get active(): boolean {
    return this.running
  }

  private startFollower(host: string, firstAfterMs: number): Follower {
    const { log, events, now, env, platform } = this.options
    const connections = new ConnectionManager({
      host,
      env,
      platform,
      settingsHost: () => undefined,
      log,
      events: quiet(events),
      now,
    })
    const tracker = new LastUseTracker(log, now)
    const sampler = new Sampler({
      connections,
      log,
      events,
      tracker,
      now,
      readUsage: () =>
        readUsage(connections, now, log.readSettings().settings.samplingIntervalMinutes * 60_000),
      // The figure in an alert's message needs a plan; for a followed engine it is left out.
      reclaimableBytes: async () => null,
    })
    const stopSampling = sampler.start({ firstAfterMs })
    const stopWatching = connections.watch()
    return {
      connections,
      sampler,
      stop: () => {
        stopSampling()
        stopWatching()
        connections.close()
      },
    }
  }
}

/** A followed engine's connection changes are its own: they do not move the window's state. */
function quiet(events: EventBus): EventBus {
  return {
    subscribe: events.subscribe.bind(events),
    emit: (event) => {
      if (event.name !== 'connection') events.emit(event)
    },
  } as EventBus
}
