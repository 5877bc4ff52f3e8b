/**
 * The disk monitor: a state machine fed one usage sample at a time (the service's sampler, after
 * each sample and after every cleanup; `drydock watch` on its interval). It raises an alert once
 * when a threshold is crossed and clears it only once the reading has recovered past a margin,
 * so a reading hovering at the threshold does not flap.
 *
 * It never polls: with the engine unreachable there are no samples and nothing changes, and the
 * active alerts live in the log, so neither a reconnect nor a restart raises an alert again.
 */
import { randomUUID } from 'node:crypto'
import { ALERT_KINDS, type Alert, type MonitorState } from '../../shared/monitor'
import type { AlertThresholds } from '../../shared/settings'
import type { DiskUsage } from '../../shared/usage'
import type { AlertLog } from '../store/alert-log'
import { alertMessage } from './messages'
import { check, defaultRearmMargin, dockerBytesOf } from './thresholds'

/** What the monitor keeps: the log's AlertLog, or memory when there is no usable log. */
export type AlertStore = Pick<
  AlertLog,
  'record' | 'update' | 'clear' | 'active' | 'snoozedUntil' | 'setSnoozedUntil' | 'exclusively'
>

export interface DiskMonitorOptions {
  now?: () => Date
  /** Read at every check, so a settings change applies to the next sample. */
  thresholds: () => AlertThresholds
  /** Where alerts and the snooze are kept; without it they last as long as this object. */
  alertLog?: AlertStore
  /** Bytes past a threshold a reading must recover by to re-arm (see defaultRearmMargin). */
  rearmMargin?: (thresholdBytes: number) => number
  newId?: () => string
}

export interface Observation {
  /** The engine the sample is from (its URL): alerts are per engine. */
  host: string
  usage: DiskUsage
  /** What the default safe policy would free now, for the message; null when unknown. */
  reclaimableBytes: number | null
  /** Right after a cleanup: a reading back past the threshold clears at once (no re-arm margin:
   * the user acted, it is not a reading wavering at the threshold). */
  afterCleanup?: boolean
}

/** What one sample changed: alerts raised now, alerts cleared now (`clearedAt` set), and active
 * alerts whose figures moved (same id, new figures and words). */
export interface ObserveResult {
  raised: Alert[]
  cleared: Alert[]
  updated: Alert[]
}

/** An active alert is re-worded when its figure moved by this share (or more) since. */
const UPDATE_SHARE = 0.01

function wholeOrNull(bytes: number | null): number | null {
  return bytes === null ? null : Math.round(bytes)
}

/** Keeps alerts and the snooze for a monitor that has no log. */
export class MemoryAlertStore implements AlertStore {
  private readonly alerts = new Map<string, Alert>()
  private snooze: string | null = null

  record(alert: Alert): void {
    this.alerts.set(alert.id, alert)
  }

  update(alert: Alert): void {
    if (this.alerts.get(alert.id)?.clearedAt === null) this.alerts.set(alert.id, alert)
  }

  clear(id: string, clearedAt: string): boolean {
    const alert = this.alerts.get(id)
    if (!alert || alert.clearedAt !== null) return false
    this.alerts.set(id, { ...alert, clearedAt })
    return true
  }

  active(host?: string): Alert[] {
    return [...this.alerts.values()].filter(
      (alert) => alert.clearedAt === null && (host === undefined || alert.engineHost === host),
    )
  }

  snoozedUntil(): string | null {
    return this.snooze
  }

  setSnoozedUntil(until: string | null): void {
    this.snooze = until
  }

  exclusively<T>(work: () => T): T {
    return work()
  }
}

export class DiskMonitor {
  private readonly now: () => Date
  private readonly thresholds: () => AlertThresholds
  private readonly store: AlertStore
  private readonly margin: (thresholdBytes: number) => number
  private readonly newId: () => string
  private lastCheckAt: string | null = null
  /** The engine of the latest sample: the state shows its alerts. */
  private lastHost: string | null = null

  constructor(options: DiskMonitorOptions) {
    this.now = options.now ?? (() => new Date())
    this.thresholds = options.thresholds
    this.store = options.alertLog ?? new MemoryAlertStore()
    this.margin = options.rearmMargin ?? defaultRearmMargin
    this.newId = options.newId ?? randomUUID
  }

  /** Checks one sample against the thresholds; records and returns what changed. */
  observe(observation: Observation): ObserveResult {
    const { host, usage, reclaimableBytes } = observation
    const at = this.now().toISOString()
    const thresholds = this.thresholds()
    this.lastCheckAt = at
    this.lastHost = host
    // Read, decide and write in one transaction: the active alerts come from the log each time,
    // so another process sharing it (the app and `drydock watch`) never raises the same crossing.
    return this.store.exclusively(() => {
      const result: ObserveResult = { raised: [], cleared: [], updated: [] }
      const active = this.store.active(host)
      const margin = observation.afterCleanup ? () => 0 : this.margin
      for (const kind of ALERT_KINDS) {
        const outcome = check(kind, usage, thresholds, margin)
        const current = active.filter((alert) => alert.kind === kind)
        if (current.length > 0) {
          const clear =
            outcome.status === 'off' || (outcome.status === 'checked' && outcome.recovered)
          // A warning whose shortage became critical is replaced by a critical alert (notified
          // once more); anything else stays as raised until it recovers.
          const escalate =
            outcome.status === 'checked' &&
            outcome.crossed &&
            outcome.critical &&
            current.every((alert) => alert.level === 'warning')
          if (!clear && !escalate) {
            // Still short: the alert tells today's figures, not those it was raised with.
            if (outcome.status === 'checked') {
              for (const alert of current) {
                const updated = this.refreshed(alert, outcome, usage, reclaimableBytes)
                if (updated) {
                  this.store.update(updated)
                  result.updated.push(updated)
                }
              }
            }
            continue
          }
          for (const alert of current) {
            if (this.store.clear(alert.id, at)) result.cleared.push({ ...alert, clearedAt: at })
          }
          if (!escalate) continue
        }
        if (outcome.status !== 'checked' || !outcome.crossed) continue
        const level = outcome.critical ? 'critical' : 'warning'
        const alert: Alert = {
          id: this.newId(),
          kind,
          level,
          message: alertMessage({
            kind,
            level,
            valueBytes: outcome.valueBytes,
            thresholdBytes: outcome.thresholdBytes,
            reclaimableBytes,
            disk: outcome.disk ?? 'engine',
          }),
          raisedAt: at,
          clearedAt: null,
          engineHost: host,
          // Whole bytes, as the log stores them, so the alert returned is the alert reloaded.
          // The figures of the disk that crossed (the host's, for a VM's disk file there).
          ...(outcome.disk === 'host'
            ? {
                freeBytes: wholeOrNull(outcome.valueBytes),
                totalBytes: wholeOrNull(outcome.diskTotalBytes ?? null),
              }
            : {
                freeBytes: wholeOrNull(usage.freeBytes),
                totalBytes: wholeOrNull(usage.totalBytes),
              }),
          dockerBytes: Math.round(dockerBytesOf(usage)),
          reclaimableBytes: wholeOrNull(reclaimableBytes),
        }
        this.store.record(alert)
        result.raised.push(alert)
      }
      return result
    })
  }

  /** The alert with the sample's figures, or null when they moved by less than UPDATE_SHARE. */
  private refreshed(
    alert: Alert,
    outcome: Extract<ReturnType<typeof check>, { status: 'checked' }>,
    usage: DiskUsage,
    reclaimableBytes: number | null,
  ): Alert | null {
    const onHost = outcome.disk === 'host'
    const freeBytes = wholeOrNull(onHost ? outcome.valueBytes : usage.freeBytes)
    const dockerBytes = Math.round(dockerBytesOf(usage))
    const before = alert.kind === 'free-space' ? alert.freeBytes : alert.dockerBytes
    const now = alert.kind === 'free-space' ? freeBytes : dockerBytes
    if (before === null || now === null) return null
    if (Math.abs(now - before) < UPDATE_SHARE * Math.max(before, 1)) return null
    return {
      ...alert,
      message: alertMessage({
        kind: alert.kind,
        level: alert.level,
        valueBytes: outcome.valueBytes,
        thresholdBytes: outcome.thresholdBytes,
        reclaimableBytes: reclaimableBytes ?? alert.reclaimableBytes,
        disk: outcome.disk ?? 'engine',
      }),
      freeBytes,
      totalBytes: wholeOrNull(onHost ? (outcome.diskTotalBytes ?? null) : usage.totalBytes),
      dockerBytes,
      reclaimableBytes: wholeOrNull(reclaimableBytes ?? alert.reclaimableBytes),
    }
  }

  /**
   * What `observe` would raise for this sample, without recording anything: lets a caller skip
   * working out the reclaimable bytes (a plan) when no alert is about to be raised.
   */
  wouldRaise(observation: Omit<Observation, 'reclaimableBytes'>): boolean {
    const thresholds = this.thresholds()
    const active = this.store.active(observation.host)
    return ALERT_KINDS.some((kind) => {
      const outcome = check(kind, observation.usage, thresholds, this.margin)
      if (outcome.status !== 'checked' || !outcome.crossed) return false
      const current = active.filter((alert) => alert.kind === kind)
      // New, or a warning about to become critical.
      return (
        current.length === 0 || (outcome.critical && current.every((a) => a.level === 'warning'))
      )
    })
  }

  /** Silences notifications until `until` (null ends the snooze); alerts are still recorded. */
  snooze(until: Date | null): MonitorState {
    this.store.setSnoozedUntil(until === null ? null : until.toISOString())
    return this.state()
  }

  /** The snooze end while it lasts; null once it has passed or when there is none. */
  snoozedUntil(): string | null {
    const until = this.store.snoozedUntil()
    return until !== null && Date.parse(until) > this.now().getTime() ? until : null
  }

  /**
   * The alerts active for the engine of the latest sample (all engines' before the first one),
   * so alerts left on an engine no longer watched do not show as current.
   */
  state(): MonitorState {
    return {
      active: this.store.active(this.lastHost ?? undefined),
      snoozedUntil: this.snoozedUntil(),
      lastCheckAt: this.lastCheckAt,
    }
  }

  /**
   * Whether an alert event should become a notification: a newly raised alert, outside a snooze.
   * A clearing only changes the tray icon; it is not worth interrupting anyone for.
   */
  shouldNotify(alert: Alert): boolean {
    return alert.clearedAt === null && this.snoozedUntil() === null
  }
}
