/**
 * Automatic cleanups as native notifications: when one has run (an `automation` event carrying
 * the run's result), one notification says what it freed; clicking it opens that run in History
 * (`#/history?run=<id>`). A run that was skipped, found nothing to do or could not start carries
 * no result and notifies nothing (Settings lists it with the reason). No Electron here.
 */
import type { AutomaticRun } from '../../shared/automation'
import { countOutcomes, type CleanResult } from '../../shared/cleanup'
import type { DrydockEvent } from '../../shared/contract'
import { formatBytes } from '../../shared/format'
import type { NotificationFactory, NotificationLike } from './notifications'
import type { NotificationText } from './one-click'

export type AutomationHandling =
  | { kind: 'notified'; runId: string }
  | { kind: 'skipped'; reason: 'not-automation' | 'no-result' | 'already-notified' }

export interface AutomationNotifierOptions {
  createNotification: NotificationFactory
  /** Shows (or creates) the window and asks it for this address. */
  openWindow: (hash: string) => void
}

/** Where a click lands: the run's detail in History. */
export function runHash(runId: string): string {
  return `#/history?run=${encodeURIComponent(runId)}`
}

function plural(count: number, word: string): string {
  return `${count.toLocaleString('en-US')} ${word}${count === 1 ? '' : 's'}`
}

const STARTED_BY: Record<AutomaticRun['trigger'], string> = {
  schedule: 'On schedule',
  threshold: 'On a low-disk alert',
}

/** "On schedule: freed 4.10 GB (3 items removed)." plus what did not go as planned. */
export function automationNotificationText(
  entry: AutomaticRun,
  result: CleanResult,
): NotificationText {
  const { deleted, untagged, failed } = countOutcomes(result.items)
  const changed = [`${plural(deleted, 'item')} removed`]
  if (untagged > 0) changed.push(`${plural(untagged, 'tag')} removed`)
  let body = `${STARTED_BY[entry.trigger]}: freed ${formatBytes(result.reclaimedBytes)} (${changed.join(', ')}).`
  if (failed > 0) body += ` ${plural(failed, 'item')} could not be removed; see History.`
  const title =
    result.status === 'failed'
      ? 'Automatic cleanup failed'
      : result.status === 'cancelled'
        ? 'Automatic cleanup cancelled'
        : result.status === 'partial'
          ? 'Automatic cleanup partly done'
          : 'Automatic cleanup done'
  return { title, body }
}

export function createAutomationNotifier(options: AutomationNotifierOptions): {
  handle(event: DrydockEvent): AutomationHandling
} {
  const notified = new Set<string>()
  // Held until clicked or closed: a collected notification loses its click handler.
  const showing = new Set<NotificationLike>()

  return {
    handle(event) {
      if (event.name !== 'automation') return { kind: 'skipped', reason: 'not-automation' }
      const { entry, result } = event.payload
      if (result === null) return { kind: 'skipped', reason: 'no-result' }
      if (notified.has(result.runId)) return { kind: 'skipped', reason: 'already-notified' }
      notified.add(result.runId)
      const notification = options.createNotification(automationNotificationText(entry, result))
      showing.add(notification)
      notification.onClick(() => {
        showing.delete(notification)
        options.openWindow(runHash(result.runId))
      })
      notification.onClose(() => showing.delete(notification))
      try {
        notification.show()
      } catch {
        // No notification service (some Linux desktops): History and Settings still show it.
        showing.delete(notification)
      }
      return { kind: 'notified', runId: result.runId }
    },
  }
}
