/**
 * An alert raised during a snooze is notified when the snooze ends, if it is still active then
 * (fake timers; stand-ins for Electron's Notification; the monitor's state as the service
 * answers it).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { DrydockEvent } from '../../src/shared/contract'
import type { Alert, MonitorState } from '../../src/shared/monitor'
import { createAlertNotifier, type NotificationLike } from '../../src/main/shell/notifications'
import type { NotificationText } from '../../src/main/shell/one-click'

const start = new Date('2025-03-10T12:00:00Z')
const HOUR = 3_600_000

const alert: Alert = {
  id: 'alert-1',
  kind: 'free-space',
  level: 'warning',
  message: 'Disk almost full: 2.1 GB free. Drydock can free 4.1 GB.',
  raisedAt: start.toISOString(),
  clearedAt: null,
  engineHost: 'unix:///run/test.sock',
  freeBytes: 2_100_000_000,
  totalBytes: 100_000_000_000,
  dockerBytes: 12_300_000_000,
  reclaimableBytes: 4_100_000_000,
}

function setup(initial: MonitorState) {
  let monitor = initial
  const shown: NotificationText[] = []
  const notifier = createAlertNotifier({
    getMonitorState: async () => monitor,
    createNotification: (text): NotificationLike => ({
      show: () => void shown.push(text),
      onClick: () => undefined,
      onClose: () => undefined,
    }),
    openCleanupPreview: () => undefined,
    // The real timer functions, which vi.useFakeTimers() replaces.
    timers: {
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    },
    now: () => new Date(),
  })
  return {
    notifier,
    shown,
    setMonitor: (next: MonitorState) => {
      monitor = next
    },
  }
}

const snoozedFor = (ms: number): MonitorState => ({
  active: [alert],
  snoozedUntil: new Date(start.getTime() + ms).toISOString(),
  lastCheckAt: start.toISOString(),
})

const raised: DrydockEvent = { name: 'alert', payload: alert }

describe('an alert raised during a snooze (fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(start)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is notified when the snooze ends, once, with its latest sentence', async () => {
    const { notifier, shown, setMonitor } = setup(snoozedFor(HOUR))
    await expect(notifier.handle(raised)).resolves.toEqual({ kind: 'skipped', reason: 'snoozed' })
    await vi.advanceTimersByTimeAsync(HOUR - 1000)
    expect(shown).toEqual([])

    // Still active when the snooze ends, with newer figures (same id).
    const latest = { ...alert, message: 'Disk almost full: 1.8 GB free.' }
    setMonitor({ ...snoozedFor(HOUR), active: [latest] })
    await vi.advanceTimersByTimeAsync(2000)
    expect(shown).toEqual([{ title: 'Low disk space', body: 'Disk almost full: 1.8 GB free.' }])

    // Neither the next event for it nor another timer notifies it again.
    await expect(notifier.handle(raised)).resolves.toEqual({
      kind: 'skipped',
      reason: 'already-notified',
    })
    await vi.advanceTimersByTimeAsync(10 * HOUR)
    expect(shown).toHaveLength(1)
  })

  it('is not notified if it cleared during the snooze', async () => {
    const { notifier, shown, setMonitor } = setup(snoozedFor(HOUR))
    await notifier.handle(raised)
    setMonitor({ ...snoozedFor(HOUR), active: [] })
    await vi.advanceTimersByTimeAsync(HOUR + 1000)
    expect(shown).toEqual([])
  })

  it('waits for the new end when the snooze was made longer', async () => {
    const { notifier, shown, setMonitor } = setup(snoozedFor(HOUR))
    await notifier.handle(raised)
    setMonitor(snoozedFor(3 * HOUR))
    await vi.advanceTimersByTimeAsync(HOUR + 1000)
    expect(shown).toEqual([])
    await vi.advanceTimersByTimeAsync(2 * HOUR)
    expect(shown).toHaveLength(1)
  })

  it('is notified at once when the snooze is lifted early (Resume alerts)', async () => {
    const { notifier, shown, setMonitor } = setup(snoozedFor(HOUR))
    await notifier.handle(raised)
    const resumed: MonitorState = { ...snoozedFor(0), snoozedUntil: null }
    setMonitor(resumed)
    await notifier.handle({ name: 'monitor', payload: resumed })
    expect(shown).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(2 * HOUR)
    expect(shown).toHaveLength(1)
  })

  it('sets no timer when nothing was held back, and stop() cancels a pending one', async () => {
    const { notifier, shown } = setup({ ...snoozedFor(0), snoozedUntil: null })
    await notifier.handle(raised)
    expect(shown).toHaveLength(1)
    expect(vi.getTimerCount()).toBe(0)

    const later = setup(snoozedFor(HOUR))
    await later.notifier.handle(raised)
    expect(vi.getTimerCount()).toBe(1)
    later.notifier.stop()
    expect(vi.getTimerCount()).toBe(0)
    await vi.advanceTimersByTimeAsync(2 * HOUR)
    expect(later.shown).toEqual([])
  })
})
