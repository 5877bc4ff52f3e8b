/**
 * Low-disk alerts as native notifications. An `alert` event that is raised (not cleared) and
 * arrives outside a snooze becomes one notification with the monitor's own sentence; clicking it
 * opens the window on the preview of the default safe policy. An alert raised during a snooze is
 * notified when the snooze ends (or is lifted), if it is still active then. No Electron here: the
 * caller passes a notification factory (electron-notification.ts in the app, a stand-in in
 * tests) and, in tests, fake timers.
 */
import type { DrydockEvent } from '../../shared/contract'
import type { Alert, AlertKind, MonitorState } from '../../shared/monitor'
import type { NotificationText } from './one-click'
import { isSnoozed } from './tray-model'

/** Where a notification click lands: the Cleanup page, previewing "Clean up safely". */
export const CLEANUP_PREVIEW_HASH = '#/cleanup?policy=default'

/** The part of a native notification Drydock uses. */
export interface NotificationLike {
  show(): void
  onClick(listener: () => void): void
  onClose(listener: () => void): void
}

export type NotificationFactory = (text: NotificationText) => NotificationLike

export type AlertHandling =
  | { kind: 'notified'; alertId: string }
  | { kind: 'skipped'; reason: 'not-an-alert' | 'cleared' | 'snoozed' | 'already-notified' }

export interface AlertNotifierOptions {
  getMonitorState: () => Promise<MonitorState>
  createNotification: NotificationFactory
  /** Shows (or creates) the window and asks it for CLEANUP_PREVIEW_HASH. */
  openCleanupPreview: () => void
  now?: () => Date
  /** Timers for the snooze's end (Node's, unref'd, by default). */
  timers?: Timers
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

const nodeTimers: Timers = {
  setTimeout: (callback, ms) => {
    const timer = setTimeout(callback, ms)
    timer.unref?.()
    return timer
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

/** setTimeout's longest delay; a longer snooze is waited out in steps. */
const MAX_DELAY_MS = 2 ** 31 - 1

const TITLES: Record<AlertKind, string> = {
  'free-space': 'Low disk space',
  'docker-usage': 'Docker is using a lot of disk',
}

export function alertNotificationText(alert: Alert): NotificationText {
  return { title: TITLES[alert.kind], body: alert.message }
}

export function createAlertNotifier(options: AlertNotifierOptions): {
  handle(event: DrydockEvent): Promise<AlertHandling>
  /** The alerts notified when a snooze ended (tests wait on it); empty when none was due. */
  snoozeEnded(): Promise<string[]>
  stop(): void
} {
  const now = options.now ?? (() => new Date())
  const timers = options.timers ?? nodeTimers
  const notified = new Set<string>()
  /** Alerts raised while snoozed: notified at the snooze's end if still active then. */
  const held = new Set<string>()
  let wake: { handle: unknown; at: number } | null = null
  // A notification that is garbage-collected loses its click handler (Electron keeps no
  // reference of its own), so every shown one is held until it is clicked or closed.
  const showing = new Set<NotificationLike>()

  function notify(alert: Alert): void {
    notified.add(alert.id)
    const notification = options.createNotification(alertNotificationText(alert))
    showing.add(notification)
    notification.onClick(() => {
      showing.delete(notification)
      options.openCleanupPreview()
    })
    notification.onClose(() => showing.delete(notification))
    notification.show()
  }

  /** Looks again once the snooze is over (a moment after, so it is over by any clock). */
  function wakeAt(until: string): void {
    const at = Date.parse(until)
    if (!Number.isFinite(at) || wake?.at === at) return
    if (wake) timers.clearTimeout(wake.handle)
    const delay = Math.min(Math.max(0, at - now().getTime()) + 50, MAX_DELAY_MS)
    wake = { at, handle: timers.setTimeout(() => void snoozeEnded().catch(() => []), delay) }
  }

  async function snoozeEnded(): Promise<string[]> {
    if (wake) timers.clearTimeout(wake.handle)
    wake = null
    if (held.size === 0) return []
    const state = await options.getMonitorState()
    if (isSnoozed(state, now())) {
      // Still snoozed (longer, or not over yet by this clock): wait for the new end.
      wakeAt(state.snoozedUntil!)
      return []
    }
    const due = state.active.filter(
      (alert) => alert.clearedAt === null && held.has(alert.id) && !notified.has(alert.id),
    )
    held.clear()
    for (const alert of due) notify(alert)
    return due.map((alert) => alert.id)
  }

  return {
    snoozeEnded,
    stop() {
      if (wake) timers.clearTimeout(wake.handle)
      wake = null
    },
    async handle(event) {
      // A snooze lifted early ("Resume alerts") or moved: what it held is due now, or later.
      if (event.name === 'monitor') {
        if (held.size > 0) {
          if (isSnoozed(event.payload, now())) wakeAt(event.payload.snoozedUntil!)
          else await snoozeEnded()
        }
        return { kind: 'skipped', reason: 'not-an-alert' }
      }
      if (event.name !== 'alert') return { kind: 'skipped', reason: 'not-an-alert' }
      const alert = event.payload
      if (alert.clearedAt !== null) {
        held.delete(alert.id)
        return { kind: 'skipped', reason: 'cleared' }
      }
      if (notified.has(alert.id)) return { kind: 'skipped', reason: 'already-notified' }
      // Asked at the time of the alert: the snooze may have been set or lifted since startup.
      const state = await options.getMonitorState()
      if (isSnoozed(state, now())) {
        held.add(alert.id)
        wakeAt(state.snoozedUntil!)
        return { kind: 'skipped', reason: 'snoozed' }
      }
      notify(alert)
      return { kind: 'notified', alertId: alert.id }
    },
  }
}
