/**
 * The disk monitor's state machine with a fake clock: raising once per crossing, the re-arm
 * margin, critical levels, a flapping engine, remote engines, disabled thresholds and the snooze.
 */
import { afterEach, describe, expect, it } from 'vitest'
import {
  defaultRearmMargin,
  DiskMonitor,
  snoozeOneHour,
  snoozeUntilTomorrow,
} from '../../src/core/monitor'
import type { AlertThresholds } from '../../src/shared/settings'
import type { DiskUsage } from '../../src/shared/usage'

const MB = 1_000_000
const GB = 1_000_000_000
const HOST = 'unix:///var/run/docker.sock'

function fakeClock(start = '2025-03-10T12:00:00.000Z') {
  let now = new Date(start)
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now = new Date(now.getTime() + ms)
    },
  }
}

const OFF: AlertThresholds = {
  enabled: true,
  freeBelowPercent: null,
  freeBelowBytes: null,
  usageAbovePercent: null,
  usageAboveBytes: null,
}

function usage(
  freeBytes: number | null,
  totalBytes: number | null = 100 * GB,
  imagesBytes = 10 * GB,
): DiskUsage {
  return {
    at: '2025-03-10T12:00:00.000Z',
    imagesBytes,
    imageCount: 3,
    containersBytes: 0,
    containerCount: 0,
    volumesBytes: 0,
    volumeCount: 0,
    unusedVolumeCount: 0,
    buildCacheBytes: 0,
    freeBytes,
    totalBytes,
    freeSource: freeBytes === null ? null : 'host-statfs',
    engineLocation: 'local',
    hostDisk: null,
    vmDisk: null,
  }
}

function monitorWith(thresholds: Partial<AlertThresholds>, clock = fakeClock()) {
  let current: AlertThresholds = { ...OFF, ...thresholds }
  let ids = 0
  const monitor = new DiskMonitor({
    now: clock.now,
    thresholds: () => current,
    newId: () => `alert-${++ids}`,
  })
  const observe = (sample: DiskUsage, reclaimableBytes: number | null = 4.1 * GB) => {
    clock.advance(60_000)
    return monitor.observe({ host: HOST, usage: sample, reclaimableBytes })
  }
  return {
    monitor,
    clock,
    observe,
    setThresholds: (next: Partial<AlertThresholds>) => (current = { ...current, ...next }),
  }
}

describe('disk monitor: free space', () => {
  it('raises one alert on crossing, with the message, figures and time', () => {
    const { observe, monitor } = monitorWith({ freeBelowBytes: 5 * GB })
    expect(observe(usage(8 * GB))).toMatchObject({ raised: [], cleared: [] })
    const { raised, cleared } = observe(usage(4 * GB))
    expect(cleared).toEqual([])
    expect(raised).toEqual([
      {
        id: 'alert-1',
        kind: 'free-space',
        level: 'warning',
        message: 'Disk almost full: 4.00 GB free. Drydock can free 4.10 GB.',
        raisedAt: '2025-03-10T12:02:00.000Z',
        clearedAt: null,
        engineHost: HOST,
        freeBytes: 4 * GB,
        totalBytes: 100 * GB,
        dockerBytes: 10 * GB,
        reclaimableBytes: 4_100_000_000,
      },
    ])
    // Still past the threshold, lower and lower: no second alert for the same crossing, but the
    // alert tells the figures of the latest reading (same id, same time raised).
    for (const free of [3.5, 3, 2.9, 4.9].map((n) => n * GB)) {
      const changes = observe(usage(free))
      expect(changes).toMatchObject({ raised: [], cleared: [] })
      expect(changes.updated).toEqual([expect.objectContaining({ id: 'alert-1', freeBytes: free })])
    }
    expect(monitor.state()).toEqual({
      active: [
        {
          ...raised[0],
          freeBytes: 4.9 * GB,
          message: 'Disk almost full: 4.90 GB free. Drydock can free 4.10 GB.',
        },
      ],
      snoozedUntil: null,
      lastCheckAt: '2025-03-10T12:06:00.000Z',
    })
  })

  it('re-arms only past the margin, then raises a new alert on the next crossing', () => {
    // 5 GB threshold: margin 500 MB, so the alert clears at 5.5 GB free, not before.
    expect(defaultRearmMargin(5 * GB)).toBe(500 * MB)
    const { observe, monitor } = monitorWith({ freeBelowBytes: 5 * GB })
    const [first] = observe(usage(4 * GB)).raised
    // Hovering just above the threshold, inside the margin: the alert stays, none is added.
    for (const free of [5.1, 4.95, 5.4, 5.0, 5.49].map((n) => n * GB)) {
      expect(observe(usage(free))).toMatchObject({ raised: [], cleared: [] })
    }
    const { cleared } = observe(usage(5.5 * GB))
    expect(cleared).toEqual([
      expect.objectContaining({ id: first!.id, clearedAt: '2025-03-10T12:07:00.000Z' }),
    ])
    expect(monitor.state().active).toEqual([])
    const { raised } = observe(usage(4.9 * GB))
    expect(raised).toHaveLength(1)
    expect(raised[0]!.id).not.toBe(first!.id)
  })

  it('right after a cleanup, a reading back past the threshold clears at once (no margin)', () => {
    const { observe, monitor } = monitorWith({ freeBelowBytes: 5 * GB })
    observe(usage(4 * GB))
    const within = monitor.observe({
      host: HOST,
      usage: usage(5.1 * GB),
      reclaimableBytes: null,
      afterCleanup: true,
    })
    expect(within.cleared).toHaveLength(1)
    expect(monitor.state().active).toEqual([])
  })

  it('caps the margin at 1 GB on a big threshold, and scales it down on a small one', () => {
    expect(defaultRearmMargin(200 * GB)).toBe(GB)
    expect(defaultRearmMargin(100 * MB)).toBe(10 * MB)
    const { observe } = monitorWith({ freeBelowPercent: 10 }) // 100 GB of a 1 TB disk
    expect(observe(usage(90 * GB, 1000 * GB)).raised).toHaveLength(1)
    expect(observe(usage(100.9 * GB, 1000 * GB)).cleared).toHaveLength(0)
    expect(observe(usage(101 * GB, 1000 * GB)).cleared).toHaveLength(1)
  })

  it('takes the larger of the percentage and the size as the threshold (either trips it)', () => {
    const { observe } = monitorWith({ freeBelowPercent: 10, freeBelowBytes: 5 * GB })
    // 10% of 30 GB is 3 GB; the 5 GB floor trips first.
    expect(observe(usage(4.5 * GB, 30 * GB)).raised).toHaveLength(1)
    const other = monitorWith({ freeBelowPercent: 10, freeBelowBytes: 5 * GB })
    // 10% of 100 GB is 10 GB; the percentage trips first.
    expect(other.observe(usage(9 * GB, 100 * GB)).raised).toHaveLength(1)
  })

  it('is critical when free space is under half the threshold', () => {
    const { observe } = monitorWith({ freeBelowBytes: 5 * GB })
    const [alert] = observe(usage(2.1 * GB), null).raised
    expect(alert).toMatchObject({
      level: 'critical',
      message: 'Disk critically low: 2.10 GB free.',
      reclaimableBytes: null,
    })
  })

  it('says when a safe cleanup would free nothing', () => {
    const { observe } = monitorWith({ freeBelowBytes: 5 * GB })
    expect(observe(usage(4 * GB), 0).raised[0]!.message).toBe(
      'Disk almost full: 4.00 GB free. A safe cleanup would free nothing.',
    )
  })
})

describe('disk monitor: Docker usage', () => {
  it('alerts when Docker uses more than the size, re-arms below it by the margin', () => {
    const { observe } = monitorWith({ usageAboveBytes: 20 * GB })
    expect(observe(usage(50 * GB, 100 * GB, 19 * GB)).raised).toEqual([])
    const [alert] = observe(usage(50 * GB, 100 * GB, 21 * GB)).raised
    expect(alert).toMatchObject({
      kind: 'docker-usage',
      level: 'warning',
      dockerBytes: 21 * GB,
      message: 'Docker is using 21.0 GB, over the 20.0 GB limit. Drydock can free 4.10 GB.',
    })
    // Margin 1 GB (10% of 20 GB would be 2 GB, capped): 19.5 GB is not enough, 19 GB is.
    expect(observe(usage(50 * GB, 100 * GB, 19.5 * GB)).cleared).toEqual([])
    expect(observe(usage(50 * GB, 100 * GB, 19 * GB)).cleared).toHaveLength(1)
  })

  it('counts images, containers, volumes and build cache, and goes critical at 1.5 times', () => {
    const { observe } = monitorWith({ usageAbovePercent: 20 }) // 20 GB of 100 GB
    const sample = {
      ...usage(50 * GB, 100 * GB, 10 * GB),
      containersBytes: 10 * GB,
      volumesBytes: 5 * GB,
      buildCacheBytes: 5 * GB,
    }
    expect(observe(sample).raised[0]).toMatchObject({ level: 'critical', dockerBytes: 30 * GB })
  })

  it('on a remote engine (no free space) runs only the size check', () => {
    const { observe } = monitorWith({
      freeBelowBytes: 5 * GB,
      freeBelowPercent: 10,
      usageAbovePercent: 5,
      usageAboveBytes: 20 * GB,
    })
    const remote = (docker: number) => usage(null, null, docker)
    // No disk figures: neither the free-space check nor the percentage can apply.
    expect(observe(remote(19 * GB)).raised).toEqual([])
    const [alert] = observe(remote(25 * GB)).raised
    expect(alert).toMatchObject({
      kind: 'docker-usage',
      freeBytes: null,
      totalBytes: null,
      dockerBytes: 25 * GB,
    })
    expect(observe(remote(25 * GB)).raised).toEqual([])
  })

  it('with only a percentage and a remote engine, checks nothing and keeps state', () => {
    const { observe, monitor } = monitorWith({ usageAbovePercent: 5 })
    expect(observe(usage(50 * GB, 100 * GB, 6 * GB)).raised).toHaveLength(1)
    // The same engine briefly without disk figures: unknown, so the alert neither clears nor
    // comes back when the figures do.
    expect(observe(usage(null, null, 6 * GB))).toMatchObject({ raised: [], cleared: [] })
    expect(observe(usage(50 * GB, 100 * GB, 6 * GB))).toMatchObject({ raised: [], cleared: [] })
    expect(monitor.state().active).toHaveLength(1)
  })
})

describe('disk monitor: a flapping engine', () => {
  it('raises once across gaps with no samples, reconnects and repeated checks', () => {
    const { monitor, clock, observe } = monitorWith({ freeBelowBytes: 5 * GB })
    expect(observe(usage(4 * GB)).raised).toHaveLength(1)
    // The engine goes away for an hour: no samples at all. It comes back still low, goes away
    // again, comes back: every sample after a gap is an ordinary check of the same crossing.
    let raisedAgain = 0
    for (let round = 0; round < 10; round++) {
      clock.advance(3_600_000)
      raisedAgain += observe(usage(3.9 * GB)).raised.length
      raisedAgain += observe(usage(4.2 * GB)).raised.length
    }
    expect(raisedAgain).toBe(0)
    expect(monitor.state().active).toHaveLength(1)
  })

  it('figures that flicker at the threshold give one alert, not one per crossing', () => {
    const { observe } = monitorWith({ freeBelowBytes: 5 * GB })
    let raised = 0
    let cleared = 0
    for (let i = 0; i < 50; i++) {
      const result = observe(usage((i % 2 === 0 ? 4.9 : 5.2) * GB))
      raised += result.raised.length
      cleared += result.cleared.length
    }
    expect({ raised, cleared }).toEqual({ raised: 1, cleared: 0 })
  })
})

describe('disk monitor: thresholds off', () => {
  it('raises nothing when alerts are disabled or no threshold is set', () => {
    const none = monitorWith({})
    expect(none.observe(usage(1))).toMatchObject({ raised: [], cleared: [] })
    const disabled = monitorWith({ enabled: false, freeBelowBytes: 5 * GB, usageAboveBytes: 1 })
    expect(disabled.observe(usage(1))).toMatchObject({ raised: [], cleared: [] })
  })

  it('clears an active alert when its threshold is switched off, and only that one', () => {
    const { observe, setThresholds, monitor } = monitorWith({
      freeBelowBytes: 5 * GB,
      usageAboveBytes: 5 * GB,
    })
    expect(observe(usage(4 * GB)).raised.map((a) => a.kind)).toEqual(['free-space', 'docker-usage'])
    setThresholds({ usageAboveBytes: null })
    expect(observe(usage(4 * GB)).cleared.map((a) => a.kind)).toEqual(['docker-usage'])
    setThresholds({ enabled: false })
    expect(observe(usage(4 * GB)).cleared.map((a) => a.kind)).toEqual(['free-space'])
    expect(monitor.state().active).toEqual([])
    setThresholds({ enabled: true })
    expect(observe(usage(4 * GB)).raised.map((a) => a.kind)).toEqual(['free-space'])
  })

  it('tells ahead whether a sample would raise, without recording anything', () => {
    const { monitor, observe } = monitorWith({ freeBelowBytes: 5 * GB })
    expect(monitor.wouldRaise({ host: HOST, usage: usage(6 * GB) })).toBe(false)
    expect(monitor.wouldRaise({ host: HOST, usage: usage(4 * GB) })).toBe(true)
    expect(monitor.state().active).toEqual([])
    observe(usage(4 * GB))
    expect(monitor.wouldRaise({ host: HOST, usage: usage(3 * GB) })).toBe(false)
  })
})

describe('disk monitor: snooze', () => {
  it('snoozing for an hour silences notifications, still records, and ends by itself', () => {
    const { monitor, clock, observe } = monitorWith({ freeBelowBytes: 5 * GB })
    const until = snoozeOneHour(clock.now())
    expect(until.toISOString()).toBe('2025-03-10T13:00:00.000Z')
    expect(monitor.snooze(until).snoozedUntil).toBe('2025-03-10T13:00:00.000Z')
    const [alert] = observe(usage(4 * GB)).raised
    expect(monitor.state().active).toEqual([alert])
    expect(monitor.shouldNotify(alert!)).toBe(false)
    clock.advance(58 * 60_000)
    expect(monitor.shouldNotify(alert!)).toBe(false)
    clock.advance(60_000)
    expect(monitor.shouldNotify(alert!)).toBe(true)
    expect(monitor.state().snoozedUntil).toBeNull()
  })

  it('ending the snooze early notifies again; cleared alerts never notify', () => {
    const { monitor, clock, observe } = monitorWith({ freeBelowBytes: 5 * GB })
    monitor.snooze(snoozeUntilTomorrow(clock.now()))
    const [alert] = observe(usage(4 * GB)).raised
    expect(monitor.shouldNotify(alert!)).toBe(false)
    expect(monitor.snooze(null).snoozedUntil).toBeNull()
    expect(monitor.shouldNotify(alert!)).toBe(true)
    const [cleared] = observe(usage(10 * GB)).cleared
    expect(monitor.shouldNotify(cleared!)).toBe(false)
  })

  describe('until tomorrow', () => {
    const savedTz = process.env.TZ
    afterEach(() => {
      process.env.TZ = savedTz
    })

    it('ends at 08:00 local time the next day, whatever the hour now', () => {
      process.env.TZ = 'Europe/Paris'
      // 23:30 in Paris (UTC+1 in winter): the next morning, not in half an hour.
      expect(snoozeUntilTomorrow(new Date('2025-01-15T22:30:00Z')).toISOString()).toBe(
        '2025-01-16T07:00:00.000Z',
      )
      // 07:00 in Paris: tomorrow's 08:00, not today's.
      expect(snoozeUntilTomorrow(new Date('2025-01-15T06:00:00Z')).toISOString()).toBe(
        '2025-01-16T07:00:00.000Z',
      )
    })

    it('lands on 08:00 across a daylight-saving change', () => {
      process.env.TZ = 'Europe/Paris'
      // The night of 29-30 March 2025 loses an hour: 08:00 on the 30th is 06:00 UTC.
      expect(snoozeUntilTomorrow(new Date('2025-03-29T20:00:00Z')).toISOString()).toBe(
        '2025-03-30T06:00:00.000Z',
      )
    })

    it('a monitor snoozed until tomorrow notifies again the next morning', () => {
      process.env.TZ = 'UTC'
      const { monitor, clock, observe } = monitorWith({ freeBelowBytes: 5 * GB })
      monitor.snooze(snoozeUntilTomorrow(clock.now()))
      expect(monitor.state().snoozedUntil).toBe('2025-03-11T08:00:00.000Z')
      const [alert] = observe(usage(4 * GB)).raised
      clock.advance(19 * 3_600_000) // 07:01 the next day
      expect(monitor.shouldNotify(alert!)).toBe(false)
      clock.advance(3_600_000)
      expect(monitor.shouldNotify(alert!)).toBe(true)
    })
  })
})

describe('disk monitor: engines', () => {
  it('keeps alerts per engine and shows those of the engine last checked', () => {
    const { monitor, clock } = monitorWith({ freeBelowBytes: 5 * GB })
    const other = 'tcp://build-server:2376'
    clock.advance(1000)
    monitor.observe({ host: HOST, usage: usage(4 * GB), reclaimableBytes: null })
    expect(
      monitor.observe({ host: other, usage: usage(4 * GB), reclaimableBytes: null }).raised,
    ).toHaveLength(1)
    expect(monitor.state().active.map((a) => a.engineHost)).toEqual([other])
    monitor.observe({ host: HOST, usage: usage(4 * GB), reclaimableBytes: null })
    expect(monitor.state().active.map((a) => a.engineHost)).toEqual([HOST])
  })
})
