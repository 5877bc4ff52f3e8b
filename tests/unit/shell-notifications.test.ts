/**
 * Alerts as notifications and the click path, driven through the shell's logic: a stand-in for
 * Electron's Notification (records what is shown, can be clicked) and a stand-in for Electron's
 * BrowserWindow behind the real MainWindowController.
 */
import { describe, expect, it } from 'vitest'
import type { DrydockEvent } from '../../src/shared/contract'
import type { Alert, MonitorState } from '../../src/shared/monitor'
import { MainWindowController, type WindowLike } from '../../src/main/shell/main-window'
import {
  CLEANUP_PREVIEW_HASH,
  createAlertNotifier,
  type NotificationLike,
} from '../../src/main/shell/notifications'
import type { NotificationText } from '../../src/main/shell/one-click'

const now = new Date('2025-03-10T12:00:00Z')

const alert: Alert = {
  id: 'alert-1',
  kind: 'free-space',
  level: 'warning',
  message: 'Disk almost full: 2.1 GB free. Drydock can free 4.1 GB.',
  raisedAt: now.toISOString(),
  clearedAt: null,
  engineHost: 'unix:///run/test.sock',
  freeBytes: 2_100_000_000,
  totalBytes: 100_000_000_000,
  dockerBytes: 12_300_000_000,
  reclaimableBytes: 4_100_000_000,
}

class StandInNotification implements NotificationLike {
  shown = false
  private clickListeners: (() => void)[] = []
  constructor(readonly text: NotificationText) {}
  show(): void {
    this.shown = true
  }
  onClick(listener: () => void): void {
    this.clickListeners.push(listener)
  }
  onClose(): void {}
  click(): void {
    for (const listener of this.clickListeners) listener()
  }
}

class StandInWindow implements WindowLike {
  readonly log: string[] = []
  readonly sent: DrydockEvent[] = []
  loading = false
  minimized = false
  private loaded: (() => void)[] = []
  constructor(readonly initialHash: string | null) {}
  isDestroyed = () => false
  isMinimized = () => this.minimized
  restore = () => void this.log.push('restore')
  show = () => void this.log.push('show')
  focus = () => void this.log.push('focus')
  isLoading = () => this.loading
  onceLoaded = (listener: () => void) => void this.loaded.push(listener)
  onClosed = () => {}
  send = (event: DrydockEvent) => void this.sent.push(event)
  finishLoading(): void {
    this.loading = false
    for (const listener of this.loaded.splice(0)) listener()
  }
}

function setup(monitor: Partial<MonitorState> = {}) {
  const notifications: StandInNotification[] = []
  const windows: StandInWindow[] = []
  const controller = new MainWindowController((hash) => {
    const window = new StandInWindow(hash)
    windows.push(window)
    return window
  })
  const notifier = createAlertNotifier({
    getMonitorState: async () => ({
      active: [alert],
      snoozedUntil: null,
      lastCheckAt: null,
      ...monitor,
    }),
    createNotification: (text) => {
      const notification = new StandInNotification(text)
      notifications.push(notification)
      return notification
    },
    openCleanupPreview: () => controller.show(CLEANUP_PREVIEW_HASH),
    now: () => now,
  })
  return { notifications, windows, controller, notifier }
}

const raised: DrydockEvent = { name: 'alert', payload: alert }

describe("alert notifications (stand-in for Electron's Notification)", () => {
  it("shows the alert's own sentence once", async () => {
    const { notifier, notifications } = setup()
    await expect(notifier.handle(raised)).resolves.toEqual({ kind: 'notified', alertId: 'alert-1' })
    expect(notifications.map((each) => [each.text, each.shown])).toEqual([
      [{ title: 'Low disk space', body: alert.message }, true],
    ])
    await expect(notifier.handle(raised)).resolves.toEqual({
      kind: 'skipped',
      reason: 'already-notified',
    })
    expect(notifications).toHaveLength(1)
  })

  it('stays quiet for a cleared alert, during a snooze, and for other events', async () => {
    const { notifier, notifications } = setup({ snoozedUntil: '2025-03-10T13:00:00Z' })
    await expect(notifier.handle(raised)).resolves.toEqual({ kind: 'skipped', reason: 'snoozed' })
    await expect(
      notifier.handle({ name: 'alert', payload: { ...alert, clearedAt: now.toISOString() } }),
    ).resolves.toEqual({ kind: 'skipped', reason: 'cleared' })
    await expect(notifier.handle({ name: 'navigate', payload: { hash: '#/' } })).resolves.toEqual({
      kind: 'skipped',
      reason: 'not-an-alert',
    })
    expect(notifications).toHaveLength(0)
  })

  it('notifies again once a snooze has ended', async () => {
    const { notifier } = setup({ snoozedUntil: '2025-03-10T11:00:00Z' })
    await expect(notifier.handle(raised)).resolves.toMatchObject({ kind: 'notified' })
  })
})

describe("notification click (stand-ins for Electron's Notification and BrowserWindow)", () => {
  it('with no window yet: creates it on the cleanup preview, shows and focuses it', async () => {
    const { notifier, notifications, windows } = setup()
    await notifier.handle(raised)
    notifications[0]!.click()
    expect(windows).toHaveLength(1)
    expect(windows[0]!.initialHash).toBe('#/cleanup?policy=default')
    expect(windows[0]!.log).toEqual(['show', 'focus'])
  })

  it('with a window open (hidden or minimised): restores, focuses and emits navigate', async () => {
    const { notifier, notifications, windows, controller } = setup()
    controller.show()
    windows[0]!.minimized = true
    await notifier.handle(raised)
    notifications[0]!.click()
    expect(windows).toHaveLength(1)
    expect(windows[0]!.log).toEqual(['show', 'focus', 'restore', 'show', 'focus'])
    expect(windows[0]!.sent).toEqual([
      { name: 'navigate', payload: { hash: '#/cleanup?policy=default' } },
    ])
  })

  it('with the page still loading: emits navigate once it has loaded', async () => {
    const { notifier, notifications, windows, controller } = setup()
    controller.show()
    windows[0]!.loading = true
    await notifier.handle(raised)
    notifications[0]!.click()
    expect(windows[0]!.sent).toEqual([])
    windows[0]!.finishLoading()
    expect(windows[0]!.sent).toHaveLength(1)
  })
})
