/**
 * Low-disk alerts as native notifications. An `alert` event that is raised (not cleared) and
 * arrives outside a snooze becomes one notification with the monitor's own sentence; clicking it
 * opens the window on the preview of the default safe policy. No Electron here: the caller
 * passes a notification factory (electron-notification.ts in the app, a stand-in in tests).
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
}

const TITLES: Record<AlertKind, string> = {
  'free-space': 'Low disk space',
  'docker-usage': 'Docker is using a lot of disk',
}

export function alertNotificationText(alert: Alert): NotificationText {
  return { title: TITLES[alert.kind], body: alert.message }
}

export function createAlertNotifier(options: AlertNotifierOptions): {
  handle(event: DrydockEvent): Promise<AlertHandling>
} {
  const now = options.now ?? (() => new Date())
  const notified = new Set<string>()
  // A notification that is garbage-collected loses its click handler (Electron keeps no
  // reference of its own), so every shown one is held until it is clicked or closed.
  const showing = new Set<NotificationLike>()

  return {
    async handle(event) {
      if (event.name !== 'alert') return { kind: 'skipped', reason: 'not-an-alert' }
      const alert = event.payload
      if (alert.clearedAt !== null) return { kind: 'skipped', reason: 'cleared' }
      if (notified.has(alert.id)) return { kind: 'skipped', reason: 'already-notified' }
      // Asked at the time of the alert: the snooze may have been set or lifted since startup.
      if (isSnoozed(await options.getMonitorState(), now())) {
        return { kind: 'skipped', reason: 'snoozed' }
      }
      notified.add(alert.id)
      const notification = options.createNotification(alertNotificationText(alert))
      showing.add(notification)
      notification.onClick(() => {
        showing.delete(notification)
        options.openCleanupPreview()
      })
      notification.onClose(() => showing.delete(notification))
      notification.show()
      return { kind: 'notified', alertId: alert.id }
    },
  }
}
