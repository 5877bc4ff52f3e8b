/**
 * After each automatic cleanup, one notification says what it freed and opens the run in
 * History; a skipped run notifies nothing (stand-ins for Electron's Notification and window).
 */
import { describe, expect, it } from 'vitest'
import type { AutomaticRun } from '../../src/shared/automation'
import type { CleanResult } from '../../src/shared/cleanup'
import type { DrydockEvent } from '../../src/shared/contract'
import {
  automationNotificationText,
  createAutomationNotifier,
  runHash,
} from '../../src/main/shell/automation-notifications'
import { MainWindowController, type WindowLike } from '../../src/main/shell/main-window'
import type { NotificationLike } from '../../src/main/shell/notifications'
import type { NotificationText } from '../../src/main/shell/one-click'

const entry: AutomaticRun = {
  id: 'auto-1',
  at: '2025-03-10T03:30:00.000Z',
  trigger: 'schedule',
  outcome: 'started',
  reason: '3 items, 4100000000 bytes predicted',
  runId: 'run-42',
  engineHost: 'unix:///var/run/docker.sock',
}

const item = (outcome: CleanResult['items'][number]['outcome'], bytes: number) => ({
  kind: 'image' as const,
  id: `sha256:${outcome}${bytes}`,
  name: 'x',
  tags: [],
  outcome,
  reclaimedBytes: bytes,
})

const result: CleanResult = {
  runId: 'run-42',
  status: 'done',
  items: [item('deleted', 3e9), item('deleted', 1e9), item('deleted', 0.1e9)],
  predictedBytes: 4.1e9,
  reclaimedBytes: 4.1e9,
}

class StandIn implements NotificationLike {
  shown = false
  private clicks: (() => void)[] = []
  constructor(readonly text: NotificationText) {}
  show(): void {
    this.shown = true
  }
  onClick(listener: () => void): void {
    this.clicks.push(listener)
  }
  onClose(): void {}
  click(): void {
    for (const listener of this.clicks) listener()
  }
}

function setup() {
  const notifications: StandIn[] = []
  const opened: (string | null)[] = []
  const sent: DrydockEvent[] = []
  const windows = new MainWindowController((hash): WindowLike => {
    opened.push(hash)
    return {
      isDestroyed: () => false,
      isMinimized: () => false,
      restore: () => undefined,
      show: () => undefined,
      focus: () => undefined,
      isLoading: () => false,
      onceLoaded: () => undefined,
      onClosed: () => undefined,
      send: (event) => void sent.push(event),
    }
  })
  const notifier = createAutomationNotifier({
    createNotification: (text) => {
      const notification = new StandIn(text)
      notifications.push(notification)
      return notification
    },
    openWindow: (hash) => windows.show(hash),
  })
  return { notifier, notifications, opened, sent, windows }
}

describe('automatic cleanup notifications', () => {
  it('says what a run freed; its click opens the run in History', () => {
    const { notifier, notifications, opened, sent } = setup()
    expect(notifier.handle({ name: 'automation', payload: { entry, result } })).toEqual({
      kind: 'notified',
      runId: 'run-42',
    })
    expect(notifications.map((n) => [n.text, n.shown])).toEqual([
      [
        {
          title: 'Automatic cleanup done',
          body: 'On schedule: freed 4.10 GB (3 items removed).',
        },
        true,
      ],
    ])
    notifications[0]!.click()
    expect(opened).toEqual(['#/history?run=run-42'])
    // A window already open is asked to navigate instead.
    notifier.handle({
      name: 'automation',
      payload: { entry: { ...entry, runId: 'run-43' }, result: { ...result, runId: 'run-43' } },
    })
    notifications[1]!.click()
    expect(sent).toEqual([{ name: 'navigate', payload: { hash: '#/history?run=run-43' } }])
  })

  it('notifies nothing for a skipped run, the start of a run, or other events', () => {
    const { notifier, notifications } = setup()
    const skipped: AutomaticRun = {
      ...entry,
      outcome: 'skipped',
      reason: 'the engine could not be reached',
      runId: null,
    }
    expect(
      notifier.handle({ name: 'automation', payload: { entry: skipped, result: null } }),
    ).toEqual({ kind: 'skipped', reason: 'no-result' })
    expect(notifier.handle({ name: 'automation', payload: { entry, result: null } })).toEqual({
      kind: 'skipped',
      reason: 'no-result',
    })
    expect(notifier.handle({ name: 'navigate', payload: { hash: '#/' } })).toEqual({
      kind: 'skipped',
      reason: 'not-automation',
    })
    expect(notifications).toEqual([])
  })

  it('notifies a run once', () => {
    const { notifier, notifications } = setup()
    notifier.handle({ name: 'automation', payload: { entry, result } })
    expect(notifier.handle({ name: 'automation', payload: { entry, result } })).toEqual({
      kind: 'skipped',
      reason: 'already-notified',
    })
    expect(notifications).toHaveLength(1)
  })

  it('words a low-disk run, failures and a failed run', () => {
    const partial: CleanResult = {
      ...result,
      status: 'partial',
      items: [item('deleted', 1e9), item('untagged', 0), item('failed', 0)],
      reclaimedBytes: 1e9,
    }
    expect(automationNotificationText({ ...entry, trigger: 'threshold' }, partial)).toEqual({
      title: 'Automatic cleanup partly done',
      body: 'On a low-disk alert: freed 1.00 GB (1 item removed, 1 tag removed). 1 item could not be removed; see History.',
    })
    expect(automationNotificationText(entry, { ...result, status: 'failed' }).title).toBe(
      'Automatic cleanup failed',
    )
  })

  it('escapes the run id in the address', () => {
    expect(runHash('a b')).toBe('#/history?run=a%20b')
  })
})
