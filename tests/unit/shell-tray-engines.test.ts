/**
 * The tray with several engines followed: one disk line per engine and the alerts, the tightest
 * disk first; another engine's alert names its engine (pure model, no Electron).
 */
import { describe, expect, it } from 'vitest'
import type { ConnectionState, DrydockEvent } from '../../src/shared/contract'
import type { Alert } from '../../src/shared/monitor'
import type { DiskUsage } from '../../src/shared/usage'
import {
  engineLabel,
  tightestFirst,
  trayMenuModel,
  trayTooltip,
  type TrayState,
} from '../../src/main/shell/tray-model'
import { TrayStateStore } from '../../src/main/shell/tray-state'

const GB = 1e9
const now = new Date('2025-03-10T12:00:00Z')
const A = 'unix:///var/run/docker.sock'
const B = 'ssh://me@build-box'
const C = 'unix:///home/me/.colima/default/docker.sock'

const connected = {
  status: 'connected',
  host: A,
  since: now.toISOString(),
  engine: { host: A },
} as unknown as ConnectionState

const usage = {
  at: now.toISOString(),
  imagesBytes: 10 * GB,
  containersBytes: 0,
  volumesBytes: 0,
  buildCacheBytes: 0,
  freeBytes: 40 * GB,
  totalBytes: 100 * GB,
} as DiskUsage

function alert(id: string, host: string, freeBytes: number | null, message: string): Alert {
  return {
    id,
    kind: 'free-space',
    level: 'warning',
    message,
    raisedAt: now.toISOString(),
    clearedAt: null,
    engineHost: host,
    freeBytes,
    totalBytes: 100 * GB,
    dockerBytes: 10 * GB,
    reclaimableBytes: null,
  }
}

function state(patch: Partial<TrayState> = {}): TrayState {
  return {
    connection: connected,
    usage,
    reclaimable: null,
    monitor: { active: [], snoozedUntil: null, lastCheckAt: null },
    cleanupRunning: false,
    now,
    ...patch,
  }
}

const statusLines = (s: TrayState) =>
  trayMenuModel(s).flatMap((item) => (item.kind === 'status' ? [item.label] : []))

describe('tightestFirst', () => {
  it('puts the least free space first, unknown last, ties in order', () => {
    const items = [
      { id: 'a', freeBytes: 5 },
      { id: 'b', freeBytes: null },
      { id: 'c', freeBytes: 1 },
      { id: 'd', freeBytes: 5 },
    ]
    expect(tightestFirst(items).map((item) => item.id)).toEqual(['c', 'a', 'd', 'b'])
    expect(items.map((item) => item.id)).toEqual(['a', 'b', 'c', 'd'])
  })
})

describe('engineLabel', () => {
  it('names an engine by its socket directory or its remote host', () => {
    expect(engineLabel(A)).toBe('local')
    expect(engineLabel(B)).toBe('build-box')
    expect(engineLabel(C)).toBe('default')
    expect(engineLabel('tcp://10.0.0.5:2376')).toBe('10.0.0.5:2376')
  })
})

describe('the tray with several engines', () => {
  it('one engine: the disk line as before', () => {
    expect(statusLines(state())).toEqual(['Docker 10.0 GB', 'Disk free 40.0 GB'])
  })

  it('lists each followed disk, the tightest first', () => {
    const lines = statusLines(
      state({
        otherDisks: [
          { host: B, freeBytes: 2 * GB, totalBytes: 50 * GB },
          { host: C, freeBytes: 80 * GB, totalBytes: 100 * GB },
          { host: 'tcp://gone:2376', freeBytes: null, totalBytes: null },
        ],
      }),
    )
    expect(lines).toEqual([
      'Docker 10.0 GB',
      'Disk free 2.00 GB — build-box',
      'Disk free 40.0 GB — local (shown)',
      'Disk free 80.0 GB — default',
    ])
  })

  it('keeps the followed disks while the shown engine is down', () => {
    const down = state({
      connection: {
        status: 'unreachable',
        host: A,
        since: now.toISOString(),
        code: 'engine-unreachable',
        reason: 'x',
      },
      usage: null,
      otherDisks: [{ host: B, freeBytes: 2 * GB, totalBytes: 50 * GB }],
    })
    expect(statusLines(down)).toEqual([
      'Docker engine not reachable',
      'Disk free 2.00 GB — build-box',
    ])
  })

  it('shows the alerts the tightest first, naming another engine, and tooltips the tightest', () => {
    const loose = alert('a1', A, 4 * GB, 'Disk almost full: 4.0 GB free.')
    const tight = alert('b1', B, 1 * GB, 'Disk critically low: 1.0 GB free.')
    const s = state({ monitor: { active: [loose, tight], snoozedUntil: null, lastCheckAt: null } })
    expect(statusLines(s).filter((line) => line.startsWith('⚠'))).toEqual([
      '⚠ build-box: Disk critically low: 1.0 GB free.',
      '⚠ Disk almost full: 4.0 GB free.',
    ])
    expect(trayTooltip(s).split('\n').at(-1)).toBe('build-box: Disk critically low: 1.0 GB free.')
  })
})

describe('tray state store with followed engines (stand-in client)', () => {
  it("keeps each followed engine's latest sample, and drops an engine no longer followed", async () => {
    let listener: ((event: DrydockEvent) => void) | null = null
    let followed = true
    const store = new TrayStateStore(
      {
        getConnection: async () => connected,
        getDiskUsage: async () => usage,
        getReclaimable: async () => {
          throw new Error('not needed')
        },
        getMonitorState: async () => ({ active: [], snoozedUntil: null, lastCheckAt: null }),
        listEngines: async () => [
          { host: A, name: 'a', source: 'settings', current: true, followed: false },
          { host: B, name: 'b', source: 'settings', current: false, followed },
        ],
        subscribe: (next) => {
          listener = next
          return () => undefined
        },
      },
      () => now,
    )
    await store.start()
    const sample = {
      at: now.toISOString(),
      imagesBytes: 0,
      containersBytes: 0,
      volumesBytes: 0,
      buildCacheBytes: 0,
    }
    listener!({
      name: 'usage',
      payload: { ...sample, host: B, freeBytes: 2 * GB, totalBytes: 50 * GB },
    })
    expect(store.state.otherDisks).toEqual([{ host: B, freeBytes: 2 * GB, totalBytes: 50 * GB }])
    expect(statusLines(store.state)).toContain('Disk free 2.00 GB — build-box')

    followed = false
    await store.refresh()
    expect(store.state.otherDisks).toEqual([])
    store.stop()
  })
})
