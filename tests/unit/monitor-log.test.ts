/**
 * The monitor over a real log file: alerts and the snooze survive a restart, and two monitors
 * sharing the file (the app and `drydock watch`) raise each crossing once between them.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DiskMonitor } from '../../src/core/monitor'
import { AlertLog, openDatabase } from '../../src/core/store'
import type { AlertThresholds } from '../../src/shared/settings'
import type { DiskUsage } from '../../src/shared/usage'
import { tempDir } from '../support/temp-dir'

const GB = 1_000_000_000
const HOST = 'unix:///var/run/docker.sock'
const THRESHOLDS: AlertThresholds = {
  enabled: true,
  freeBelowPercent: null,
  freeBelowBytes: 5 * GB,
  usageAbovePercent: null,
  usageAboveBytes: null,
}

function usage(freeBytes: number): DiskUsage {
  return {
    at: '2025-03-10T12:00:00.000Z',
    imagesBytes: 1.5 * GB + 0.4, // a fraction must not trip the STRICT INTEGER columns
    imageCount: 1,
    containersBytes: 0,
    containerCount: 0,
    volumesBytes: 0,
    volumeCount: 0,
    unusedVolumeCount: 0,
    buildCacheBytes: 0,
    freeBytes,
    totalBytes: 100 * GB,
    freeSource: 'host-statfs',
    engineLocation: 'local',
    hostDisk: null,
    vmDisk: null,
  }
}

function fakeClock(start = '2025-03-10T12:00:00.000Z') {
  let now = new Date(start)
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now = new Date(now.getTime() + ms)
    },
  }
}

/** One "process": its own connection to the file and its own monitor. */
function openMonitor(file: string, clock: ReturnType<typeof fakeClock>) {
  const database = openDatabase(file)
  const log = new AlertLog(database.db)
  const monitor = new DiskMonitor({ now: clock.now, thresholds: () => THRESHOLDS, alertLog: log })
  const observe = (free: number) => {
    clock.advance(60_000)
    return monitor.observe({ host: HOST, usage: usage(free), reclaimableBytes: 2 * GB })
  }
  return { database, log, monitor, observe, close: () => database.close() }
}

describe('disk monitor over the log', () => {
  it('reloads active alerts after a restart and does not raise them again', () => {
    const file = join(tempDir(), 'log.sqlite')
    const clock = fakeClock()
    const first = openMonitor(file, clock)
    const [alert] = first.observe(4 * GB).raised
    first.close()

    // The app restarts; the disk is still low.
    const second = openMonitor(file, clock)
    expect(second.monitor.state()).toEqual({
      active: [alert],
      snoozedUntil: null,
      lastCheckAt: null,
    })
    expect(second.observe(3.8 * GB)).toMatchObject({ raised: [], cleared: [] })
    const { cleared } = second.observe(6 * GB)
    expect(cleared.map((a) => [a.id, a.clearedAt])).toEqual([
      [alert!.id, '2025-03-10T12:03:00.000Z'],
    ])
    second.close()

    // After another restart the cleared alert stays cleared, and the next crossing is new.
    const third = openMonitor(file, clock)
    expect(third.monitor.state().active).toEqual([])
    const [next] = third.observe(4 * GB).raised
    expect(next!.id).not.toBe(alert!.id)
    expect(third.log.recent(10).map((a) => [a.id, a.clearedAt === null])).toEqual([
      [next!.id, true],
      [alert!.id, false],
    ])
    third.close()
  })

  it('keeps the snooze across a restart', () => {
    const file = join(tempDir(), 'log.sqlite')
    const clock = fakeClock()
    const first = openMonitor(file, clock)
    first.monitor.snooze(new Date('2025-03-10T13:00:00.000Z'))
    first.close()
    const second = openMonitor(file, clock)
    expect(second.monitor.state().snoozedUntil).toBe('2025-03-10T13:00:00.000Z')
    const [alert] = second.observe(4 * GB).raised
    expect(second.monitor.shouldNotify(alert!)).toBe(false)
    expect(second.log.active()).toEqual([alert]) // snoozed alerts are recorded all the same
    second.close()
  })

  it('two monitors on one file raise a crossing once between them', () => {
    const file = join(tempDir(), 'log.sqlite')
    const clock = fakeClock()
    const app = openMonitor(file, clock)
    const watch = openMonitor(file, clock)
    expect(app.observe(4 * GB).raised).toHaveLength(1)
    expect(watch.observe(4 * GB).raised).toHaveLength(0)
    expect(watch.monitor.state().active).toHaveLength(1)
    // Whichever sees the recovery first clears it; the other has nothing left to clear.
    expect(watch.observe(7 * GB).cleared).toHaveLength(1)
    expect(app.observe(7 * GB).cleared).toHaveLength(0)
    app.close()
    watch.close()
  })

  it('stores every field of an alert as the contract shapes it', () => {
    const file = join(tempDir(), 'log.sqlite')
    const database = openDatabase(file)
    const log = new AlertLog(database.db)
    const alert = {
      id: 'a1',
      kind: 'docker-usage' as const,
      level: 'critical' as const,
      message: 'Docker is using 31.0 GB, far over the 20.0 GB limit.',
      raisedAt: '2025-03-10T12:00:00.000Z',
      clearedAt: null,
      engineHost: 'tcp://remote:2376',
      freeBytes: null,
      totalBytes: null,
      dockerBytes: 31 * GB,
      reclaimableBytes: null,
    }
    log.record(alert)
    expect(log.get('a1')).toEqual(alert)
    expect(log.active('tcp://remote:2376')).toEqual([alert])
    expect(log.active(HOST)).toEqual([])
    expect(log.clear('a1', '2025-03-10T13:00:00.000Z')).toBe(true)
    expect(log.clear('a1', '2025-03-10T14:00:00.000Z')).toBe(false)
    expect(log.get('a1')?.clearedAt).toBe('2025-03-10T13:00:00.000Z')
    database.close()
  })
})

describe('a watch with its own thresholds beside the app', () => {
  it('neither clears nor is cleared by checks against other thresholds', () => {
    const file = join(tempDir(), 'drydock.db')
    const clock = fakeClock()
    const app = openMonitor(file, clock)
    const database = openDatabase(file)
    // `drydock watch --free-below 1GB`: a scope of its own.
    const watch = new DiskMonitor({
      now: clock.now,
      thresholds: () => ({ ...THRESHOLDS, freeBelowBytes: 1 * GB }),
      alertLog: new AlertLog(database.db, 'watch: free space below 1 GB'),
    })
    const watchObserve = (free: number) => {
      clock.advance(60_000)
      return watch.observe({ host: HOST, usage: usage(free), reclaimableBytes: null })
    }
    try {
      expect(app.observe(3 * GB).raised).toHaveLength(1)
      // 3 GB is fine by the watch's 1 GB: it must not clear the app's alert...
      expect(watchObserve(3 * GB)).toMatchObject({ raised: [], cleared: [] })
      // ...so the app does not raise (and notify) it again.
      expect(app.observe(3 * GB)).toMatchObject({ raised: [], cleared: [] })
      expect(app.monitor.state().active).toHaveLength(1)
      // Below 1 GB the watch raises its own, once; the app's stays as it was.
      expect(watchObserve(0.5 * GB).raised).toHaveLength(1)
      expect(watchObserve(0.5 * GB).raised).toHaveLength(0)
      // For the app, 0.5 GB is past half its 5 GB threshold: its warning becomes critical, once.
      const escalated = app.observe(0.5 * GB)
      expect(escalated.cleared.map((alert) => alert.level)).toEqual(['warning'])
      expect(escalated.raised.map((alert) => alert.level)).toEqual(['critical'])
      expect(app.observe(0.4 * GB)).toMatchObject({ raised: [], cleared: [] })
    } finally {
      database.close()
      app.close()
    }
  })
})
