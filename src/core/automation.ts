/**
 * Cleanup that runs itself (the app and browser mode; off by default): on a schedule (daily or
 * weekly at a time) and/or when a low-disk alert is raised, it plans the chosen policy (never
 * forced) and runs exactly that plan. Never while another cleanup runs, never on battery (it
 * waits, where the platform tells), and when the engine cannot be reached it does nothing but
 * say so: every time one was due is in the log with what happened and why.
 */
import type { AutomaticRun, AutomationStatus } from '../shared/automation'
import { SelectionSchema } from '../shared/cleanup'
import { errorMessage } from '../shared/errors'
import { formatBytes } from '../shared/format'
import { automaticSelection, nextScheduled } from '../shared/settings'
import type { CleanupService } from './cleanup-service'
import type { ConnectionManager } from './connection-manager'
import type { EventBus } from './event-bus'
import type { LogAccess } from './log-access'

/** Time, and timers on it: the real clock in use, a fake one in tests. */
export interface Clock {
  now(): Date
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export const realClock: Clock = {
  now: () => new Date(),
  setTimeout: (callback, ms) => {
    const timer = setTimeout(callback, ms)
    timer.unref()
    return timer
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
}

/** How often a run waiting for mains power looks again. */
const BATTERY_RECHECK_MS = 5 * 60_000
/** setTimeout's longest delay; a weekly schedule re-arms in steps. */
const MAX_DELAY_MS = 2 ** 31 - 1

export interface AutomationOptions {
  log: LogAccess
  connections: ConnectionManager
  cleanups: CleanupService
  events: EventBus
  clock: Clock
  /** True while the machine runs on battery (Electron's powerMonitor); unknown means no. */
  onBattery?: () => boolean
  /** After a run: a usage sample (the monitor clears an alert the run resolved). */
  afterRun?: () => void
}

export class Automation {
  private timer: unknown = null
  private stopAlerts: (() => void) | null = null
  private working = false
  /** Bumped by every stop or re-arm: a run waiting (for mains power) from before gives up. */
  private generation = 0
  /** Alerts already acted on: an alert's figures are updated as the disk moves (same id). */
  private readonly handledAlerts = new Set<string>()

  constructor(private readonly options: AutomationOptions) {}

  start(): () => void {
    this.rearm()
    this.stopAlerts = this.options.events.subscribe((event) => {
      if (event.name !== 'alert' || event.payload.clearedAt !== null) return
      // Once per alert, and only for the engine this runs on: an alert of an engine followed in
      // the background must not clean the one shown.
      const alert = event.payload
      if (this.handledAlerts.has(alert.id)) return
      if (alert.engineHost !== this.options.connections.peek().host) return
      const { automation } = this.options.log.readSettings().settings
      if (!automation.enabled || !automation.onAlert) return
      this.handledAlerts.add(alert.id)
      const generation = this.generation
      void this.whenOnMains(generation).then((go) => (go ? this.runNow('threshold') : undefined))
    })
    return () => this.stop()
  }

  stop(): void {
    this.generation += 1
    if (this.timer !== null) this.options.clock.clearTimeout(this.timer)
    this.timer = null
    this.stopAlerts?.()
    this.stopAlerts = null
  }

  /** Arms the timer for the next scheduled time (again after a Settings change). */
  rearm(): void {
    this.generation += 1
    if (this.timer !== null) this.options.clock.clearTimeout(this.timer)
    this.timer = null
    const next = this.nextAt()
    if (!next) return
    const { clock } = this.options
    const generation = this.generation
    const delay = Math.max(0, next.getTime() - clock.now().getTime())
    this.timer = clock.setTimeout(
      () => {
        this.timer = null
        // A long delay is armed in steps: only run once the time has really come.
        if (clock.now() < next) return this.rearm()
        void this.whenOnMains(generation).then(async (go) => {
          // Turned off, re-scheduled or stopped while waiting: this run is no longer wanted.
          if (!go || !this.nextAt()) return
          await this.runNow('schedule')
          if (generation === this.generation) this.rearm()
        })
      },
      Math.min(delay, MAX_DELAY_MS),
    )
  }

  /** When the schedule runs next; null when automation or the schedule is off. */
  nextAt(): Date | null {
    const { automation } = this.options.log.readSettings().settings
    if (!automation.enabled) return null
    return nextScheduled(automation.schedule, this.options.clock.now())
  }

  /** Plans and runs the automatic policy now, or records why not. */
  async runNow(trigger: AutomaticRun['trigger']): Promise<AutomaticRun> {
    const { connections, cleanups, log, clock, events } = this.options
    const at = clock.now().toISOString()
    const host = connections.peek().host
    const record = (entry: Omit<AutomaticRun, 'id' | 'at' | 'trigger' | 'engineHost'>) => {
      const full = { at, trigger, engineHost: host, ...entry }
      let written: AutomaticRun
      try {
        written = log.open().automation.record(full)
      } catch {
        written = { id: `unrecorded-${at}`, ...full }
      }
      events.emit({ name: 'automation', payload: { entry: written, result: null } })
      return written
    }
    if (this.working || cleanups.busy) {
      return record({
        outcome: 'skipped',
        reason: 'another cleanup was running; automatic cleanups never overlap one',
        runId: null,
      })
    }
    this.working = true
    try {
      const state = await connections.current()
      if (state.status !== 'connected') {
        return record({
          outcome: 'skipped',
          reason: `the engine could not be reached: ${state.status === 'unreachable' ? state.reason : 'still connecting'}`,
          runId: null,
        })
      }
      const { automation } = log.readSettings().settings
      if (!automation.enabled) {
        return record({
          outcome: 'skipped',
          reason: 'automatic cleanup was turned off',
          runId: null,
        })
      }
      const plan = await cleanups.plan(SelectionSchema.parse(automaticSelection(automation.policy)))
      const work = plan.items.filter((item) => item.requests.length > 0)
      if (cleanups.busy) {
        return record({
          outcome: 'skipped',
          reason: 'another cleanup started meanwhile; automatic cleanups never overlap one',
          runId: null,
        })
      }
      if (work.length === 0) {
        return record({
          outcome: 'nothing-to-do',
          reason: plan.target?.reason ?? 'the policy finds nothing to remove',
          runId: null,
        })
      }
      const { runId } = await cleanups.run({ planId: plan.id, trigger })
      const entry = record({
        outcome: 'started',
        reason: `${work.length} item${work.length === 1 ? '' : 's'}, ${formatBytes(plan.reclaimBytes)} predicted`,
        runId,
      })
      const result = await cleanups.whenEnded(runId)?.catch(() => null)
      if (result) events.emit({ name: 'automation', payload: { entry, result } })
      this.options.afterRun?.()
      return entry
    } catch (error) {
      return record({ outcome: 'failed', reason: errorMessage(error), runId: null })
    } finally {
      this.working = false
    }
  }

  /** What the next automatic cleanup would remove now, and the recent ones. */
  async status(): Promise<AutomationStatus> {
    const { log, cleanups } = this.options
    const { automation } = log.readSettings().settings
    const next = this.nextAt()
    let wouldRemove: AutomationStatus['wouldRemove'] = null
    let previewError: string | null = null
    if (automation.enabled) {
      try {
        const plan = await cleanups.plan(
          SelectionSchema.parse(automaticSelection(automation.policy)),
        )
        const work = plan.items.filter((item) => item.requests.length > 0)
        wouldRemove = { items: work.length, bytes: plan.reclaimBytes }
      } catch (error) {
        previewError = errorMessage(error)
      }
    }
    let recent: AutomaticRun[] = []
    try {
      recent = log.open().automation.list(10)
    } catch {
      // No log: no history of automatic runs to show.
    }
    return {
      enabled: automation.enabled,
      nextAt: next?.toISOString() ?? null,
      wouldRemove,
      previewError,
      recent,
    }
  }

  /**
   * Resolves true once the machine is on mains power (at once where the platform cannot tell),
   * false when automation was stopped or re-armed meanwhile.
   */
  private async whenOnMains(generation: number): Promise<boolean> {
    const onBattery = this.options.onBattery
    while (onBattery?.()) {
      await new Promise<void>((resolve) =>
        this.options.clock.setTimeout(resolve, BATTERY_RECHECK_MS),
      )
      if (generation !== this.generation) return false
    }
    return generation === this.generation
  }
}
