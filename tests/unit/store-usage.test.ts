import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { openDatabase, type OpenedDatabase } from '../../src/core/store/database'
import {
  HOURLY_RETENTION_MS,
  RAW_RETENTION_MS,
  UsageStore,
  type UsageSampleInput,
} from '../../src/core/store/usage-store'
import type { UsagePoint } from '../../src/shared/usage'
import { tempDir } from '../support/temp-dir'

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS
const DAY_MS = 24 * HOUR_MS
const INTERVAL_MS = 15 * MINUTE_MS
const HOST = 'unix:///var/run/docker.sock'

/** 120 days of samples every 15 minutes, starting at a UTC midnight. */
const START = Date.parse('2025-01-01T00:00:00.000Z')
const DAYS = 120
const SAMPLE_COUNT = (DAYS * DAY_MS) / INTERVAL_MS
/** The clock when the last sample was taken. */
const NOW = START + (SAMPLE_COUNT - 1) * INTERVAL_MS

/**
 * The k-th sample: every figure varies differently (so an average of the wrong rows shows), and
 * free space dips inside each hour (so a roll-up that keeps the last or the mean shows).
 */
function sampleAt(k: number): UsageSampleInput {
  return {
    host: HOST,
    at: new Date(START + k * INTERVAL_MS),
    imagesBytes: 5_000_000_000 + k * 1_000,
    containersBytes: 100_000_000 + (k % 7) * 333,
    volumesBytes: 2_000_000_000,
    buildCacheBytes: (k % 5) * 1_000_001,
    freeBytes: 50_000_000_000 - (k % 96) * 1_000_000 - (k % 3) * 7_777,
    totalBytes: 100_000_000_000,
  }
}

const samples = Array.from({ length: SAMPLE_COUNT }, (_, k) => sampleAt(k))

/** What a point over these samples must be: rounded averages, the lowest free space. */
function expectedPoint(group: UsageSampleInput[], at: number): UsagePoint {
  const average = (pick: (s: UsageSampleInput) => number) =>
    Math.round(group.reduce((sum, s) => sum + pick(s), 0) / group.length)
  return {
    at: new Date(at).toISOString(),
    imagesBytes: average((s) => s.imagesBytes),
    containersBytes: average((s) => s.containersBytes),
    volumesBytes: average((s) => s.volumesBytes),
    buildCacheBytes: average((s) => s.buildCacheBytes),
    freeBytes: Math.min(...group.map((s) => s.freeBytes!)),
    totalBytes: Math.max(...group.map((s) => s.totalBytes!)),
  }
}

/**
 * The series the store should return, computed from the samples: keep the buckets (of `step`
 * ms: a sample, an hour, a day) from the one holding `from` up to `to`, group them `width` ms
 * from that bucket's start.
 */
function expectedSeries(
  requestedFrom: number,
  to: number,
  step: number,
  width: number,
): UsagePoint[] {
  const from = requestedFrom - (requestedFrom % step)
  const groups = new Map<number, { at: number; members: UsageSampleInput[] }>()
  for (const sample of samples) {
    const at = sample.at.getTime()
    const bucket = at - (at % step)
    if (bucket < from || bucket > to) continue
    const index = Math.floor((bucket - from) / width)
    const group = groups.get(index) ?? { at: bucket, members: [] }
    group.members.push(sample)
    groups.set(index, group)
  }
  return [...groups.values()]
    .sort((a, b) => a.at - b.at)
    .map(({ at, members }) => expectedPoint(members, at))
}

function widthFor(requestedFrom: number, to: number, step: number, maxPoints: number): number {
  const from = requestedFrom - (requestedFrom % step)
  return Math.max(step, Math.ceil((to - from + 1) / maxPoints))
}

function open(path: string): OpenedDatabase {
  const opened = openDatabase(path)
  onTestFinished(() => opened.close())
  return opened
}

function expectOrdered(points: UsagePoint[]): void {
  const times = points.map((point) => Date.parse(point.at))
  expect(times).toEqual([...times].sort((a, b) => a - b))
  expect(new Set(times).size).toBe(times.length)
}

describe('UsageStore over 120 days of 15-minute samples', () => {
  let dir: string
  let opened: OpenedDatabase
  let store: UsageStore

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'drydock-usage-'))
    opened = openDatabase(join(dir, 'drydock.sqlite'))
    store = new UsageStore(opened.db)
    // The clock moves with the samples, so retention prunes as it would in a running app.
    for (const sample of samples) store.record(sample)
  })

  afterAll(() => {
    opened.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const at = (iso: number) => new Date(iso)
  const series = (fromAgo: number, maxPoints: number, to = NOW) =>
    store.series({ host: HOST, from: at(NOW - fromAgo), to: at(to), maxPoints, now: at(NOW) })

  it('keeps raw samples for the last 7 days only (pruned at most an hour late)', () => {
    const raw = opened.db
      .prepare<[], { first: number; last: number; count: number }>(
        'SELECT min(at) AS first, max(at) AS last, count(*) AS count FROM usage_samples',
      )
      .get()!
    expect(raw.last).toBe(NOW)
    expect(raw.first).toBeGreaterThanOrEqual(NOW - RAW_RETENTION_MS - HOUR_MS)
    expect(raw.first).toBeLessThanOrEqual(NOW - RAW_RETENTION_MS)
    const lastWeek = opened.db
      .prepare<[number], { count: number }>(
        'SELECT count(*) AS count FROM usage_samples WHERE at >= ?',
      )
      .get(NOW - RAW_RETENTION_MS)!
    expect(lastWeek.count).toBe(RAW_RETENTION_MS / INTERVAL_MS + 1)
  })

  it('keeps hourly roll-ups for the last 90 days and daily ones for every day', () => {
    const range = opened.db.prepare<[string], { first: number; last: number; count: number }>(
      `SELECT min(bucket_start) AS first, max(bucket_start) AS last, count(*) AS count
       FROM usage_rollups WHERE resolution = ?`,
    )
    const hourly = range.get('hour')!
    expect(hourly.last).toBe(NOW - (NOW % HOUR_MS))
    expect(hourly.first).toBeGreaterThanOrEqual(NOW - HOURLY_RETENTION_MS - HOUR_MS)
    expect(hourly.first).toBeLessThanOrEqual(NOW - HOURLY_RETENTION_MS)
    expect(hourly.count).toBeGreaterThanOrEqual(HOURLY_RETENTION_MS / HOUR_MS)
    expect(hourly.count).toBeLessThanOrEqual(HOURLY_RETENTION_MS / HOUR_MS + 2)

    expect(range.get('day')).toEqual({
      first: START,
      last: START + (DAYS - 1) * DAY_MS,
      count: DAYS,
    })
  })

  it('rolls up exact sums and counts, the lowest free space and the last total', () => {
    const rows = opened.db
      .prepare<
        [],
        {
          resolution: 'hour' | 'day'
          bucket_start: number
          sample_count: number
          images_bytes_sum: number
          containers_bytes_sum: number
          volumes_bytes_sum: number
          build_cache_bytes_sum: number
          free_bytes_min: number
          total_bytes_last: number
        }
      >('SELECT * FROM usage_rollups ORDER BY resolution, bucket_start')
      .all()
    expect(rows.length).toBeGreaterThan(DAYS)
    for (const row of rows) {
      const width = row.resolution === 'hour' ? HOUR_MS : DAY_MS
      const members = samples.filter(
        (s) => s.at.getTime() >= row.bucket_start && s.at.getTime() < row.bucket_start + width,
      )
      const sum = (pick: (s: UsageSampleInput) => number) =>
        members.reduce((total, s) => total + pick(s), 0)
      expect(row).toEqual({
        host: HOST,
        resolution: row.resolution,
        bucket_start: row.bucket_start,
        sample_count: width / INTERVAL_MS,
        images_bytes_sum: sum((s) => s.imagesBytes),
        containers_bytes_sum: sum((s) => s.containersBytes),
        volumes_bytes_sum: sum((s) => s.volumesBytes),
        build_cache_bytes_sum: sum((s) => s.buildCacheBytes),
        free_bytes_min: Math.min(...members.map((s) => s.freeBytes!)),
        total_bytes_last: members.at(-1)!.totalBytes,
      })
    }
  })

  it('answers a 24-hour range from raw samples, one point per sample', () => {
    const result = series(DAY_MS, 500)
    expect(result.host).toBe(HOST)
    expect(result.resolution).toBe('raw')
    expect(result.points).toHaveLength(DAY_MS / INTERVAL_MS + 1)
    expect(result.points).toEqual(
      samples.slice(-result.points.length).map((s) => expectedPoint([s], s.at.getTime())),
    )
  })

  it('groups raw samples to at most maxPoints: averages, and the lowest free space', () => {
    const from = NOW - DAY_MS
    const result = series(DAY_MS, 10)
    expect(result.resolution).toBe('raw')
    expect(result.points.length).toBeLessThanOrEqual(10)
    expect(result.points).toEqual(expectedSeries(from, NOW, 1, widthFor(from, NOW, 1, 10)))
  })

  it('answers a 30-day range from hourly roll-ups, in at most maxPoints points', () => {
    const from = NOW - 30 * DAY_MS
    const result = series(30 * DAY_MS, 500)
    expect(result.resolution).toBe('hourly')
    expect(result.points.length).toBeLessThanOrEqual(500)
    expect(result.points.length).toBeGreaterThan(400)
    expect(result.points).toEqual(
      expectedSeries(from, NOW, HOUR_MS, widthFor(from, NOW, HOUR_MS, 500)),
    )
  })

  it('answers a 1-year range from daily roll-ups: one point per day recorded', () => {
    const from = NOW - 365 * DAY_MS
    const result = series(365 * DAY_MS, 500)
    expect(result.resolution).toBe('daily')
    expect(result.points).toHaveLength(DAYS)
    expect(result.points).toEqual(expectedSeries(from, NOW, DAY_MS, DAY_MS))
    expect(result.points[0]!.at).toBe(new Date(START).toISOString())
  })

  it('never returns more than maxPoints, always in time order, at the resolution the age needs', () => {
    const cases: [rangeMs: number, resolution: 'raw' | 'hourly' | 'daily'][] = [
      [HOUR_MS, 'raw'],
      [DAY_MS, 'raw'],
      [7 * DAY_MS, 'raw'],
      [8 * DAY_MS, 'hourly'],
      [30 * DAY_MS, 'hourly'],
      [90 * DAY_MS, 'hourly'],
      [91 * DAY_MS, 'daily'],
      [365 * DAY_MS, 'daily'],
    ]
    for (const [range, resolution] of cases) {
      for (const maxPoints of [2, 7, 100, 500, 5000]) {
        const result = series(range, maxPoints)
        expect(result.resolution, `${range / HOUR_MS} h`).toBe(resolution)
        expect(result.points.length, `${range / HOUR_MS} h, ${maxPoints}`).toBeLessThanOrEqual(
          maxPoints,
        )
        expect(result.points.length).toBeGreaterThan(0)
        expectOrdered(result.points)
        for (const point of result.points) {
          expect(Date.parse(point.at)).toBeGreaterThanOrEqual(NOW - range - DAY_MS)
          expect(Date.parse(point.at)).toBeLessThanOrEqual(NOW)
        }
      }
    }
  })

  it('uses daily roll-ups for a short range older than 90 days', () => {
    const from = START + 10 * DAY_MS
    const to = START + 12 * DAY_MS
    const result = store.series({
      host: HOST,
      from: at(from),
      to: at(to),
      maxPoints: 500,
      now: at(NOW),
    })
    expect(result.resolution).toBe('daily')
    expect(result.points).toEqual(expectedSeries(from, to, DAY_MS, DAY_MS))
    expect(result.points).toHaveLength(3)
  })

  it('returns no points for an engine it has never sampled', () => {
    for (const range of [DAY_MS, 30 * DAY_MS, 365 * DAY_MS]) {
      const result = store.series({
        host: 'tcp://elsewhere:2376',
        from: at(NOW - range),
        to: at(NOW),
        maxPoints: 500,
        now: at(NOW),
      })
      expect(result).toMatchObject({ host: 'tcp://elsewhere:2376', points: [] })
    }
  })

  it('names the engine sampled last', () => {
    expect(store.latestHost()).toBe(HOST)
  })

  it("gives an engine's last sample exactly as recorded (the dashboard's cached figures)", () => {
    const last = sampleAt(SAMPLE_COUNT - 1)
    expect(store.latest(HOST)).toEqual({
      at: new Date(NOW).toISOString(),
      imagesBytes: last.imagesBytes,
      containersBytes: last.containersBytes,
      volumesBytes: last.volumesBytes,
      buildCacheBytes: last.buildCacheBytes,
      freeBytes: last.freeBytes,
      totalBytes: last.totalBytes,
    })
    expect(store.latest('tcp://elsewhere:2376')).toBeNull()
  })
})

describe('UsageStore edge cases', () => {
  it('answers an empty log with no points and no latest engine', () => {
    const { db } = open(join(tempDir(), 'drydock.sqlite'))
    const store = new UsageStore(db)
    const now = new Date(NOW)
    expect(store.latestHost()).toBeNull()
    expect(store.latest(HOST)).toBeNull()
    for (const range of [DAY_MS, 30 * DAY_MS, 365 * DAY_MS]) {
      const result = store.series({
        host: HOST,
        from: new Date(NOW - range),
        to: now,
        maxPoints: 500,
        now,
      })
      expect(result.points).toEqual([])
    }
  })

  it('records a remote engine, whose free and total space are unknown, at every resolution', () => {
    const { db } = open(join(tempDir(), 'drydock.sqlite'))
    const store = new UsageStore(db)
    const remote = 'ssh://builder@build-box'
    for (let k = 0; k < 8 * 96; k++) {
      store.record({ ...sampleAt(k), host: remote, freeBytes: null, totalBytes: null })
      // A local engine sampled alongside must not leak into the remote one's series.
      store.record({ ...sampleAt(k), at: new Date(START + k * INTERVAL_MS + 1) })
    }
    const now = new Date(START + (8 * 96 - 1) * INTERVAL_MS)
    for (const [range, resolution] of [
      [DAY_MS, 'raw'],
      [8 * DAY_MS, 'hourly'],
      [365 * DAY_MS, 'daily'],
    ] as const) {
      const result = store.series({
        host: remote,
        from: new Date(now.getTime() - range),
        to: now,
        maxPoints: 500,
        now,
      })
      expect(result.resolution).toBe(resolution)
      expect(result.points.length).toBeGreaterThan(0)
      for (const point of result.points) {
        expect(point.freeBytes).toBeNull()
        expect(point.totalBytes).toBeNull()
        expect(point.volumesBytes).toBe(2_000_000_000)
      }
    }
    const raw = store.series({
      host: remote,
      from: new Date(now.getTime() - HOUR_MS),
      to: now,
      maxPoints: 500,
      now,
    })
    expect(raw.points.map((point) => point.imagesBytes)).toEqual(
      [4, 3, 2, 1, 0].map((back) => sampleAt(8 * 96 - 1 - back).imagesBytes),
    )
  })
})
