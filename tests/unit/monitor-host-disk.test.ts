/**
 * The disk monitor on an engine in a VM: it watches the disk inside the VM and this machine's
 * disk holding the VM's disk file. Either one low raises the one free-space alert (once), with
 * that disk's figures and words; it clears only when both have recovered. A probe that found the
 * engine's disk full (free 0, size unknown) still trips a size threshold.
 */
import { describe, expect, it } from 'vitest'
import { checkFreeSpace, defaultRearmMargin, DiskMonitor } from '../../src/core/monitor'
import type { AlertThresholds } from '../../src/shared/settings'
import type { DiskUsage } from '../../src/shared/usage'

const GB = 1_000_000_000
const HOST = 'unix:///Users/ann/.docker/run/docker.sock'

const THRESHOLDS: AlertThresholds = {
  enabled: true,
  freeBelowPercent: null,
  freeBelowBytes: 5 * GB,
  usageAbovePercent: null,
  usageAboveBytes: null,
}

function vmUsage(engineFree: number | null, hostFree: number | null): DiskUsage {
  return {
    at: '2025-03-10T12:00:00.000Z',
    imagesBytes: 10 * GB,
    imageCount: 3,
    containersBytes: 0,
    containerCount: 0,
    volumesBytes: 0,
    volumeCount: 0,
    unusedVolumeCount: 0,
    buildCacheBytes: 0,
    freeBytes: engineFree,
    totalBytes: engineFree === null ? null : 60 * GB,
    freeSource: engineFree === null ? null : 'probe',
    engineLocation: 'vm',
    hostDisk:
      hostFree === null ? null : { freeBytes: hostFree, totalBytes: 500 * GB, path: '/Users/ann' },
    vmDisk: {
      product: 'Docker Desktop',
      path: '/Users/ann/Library/Containers/com.docker.docker/Data/vms/0/data/Docker.raw',
      allocatedBytes: 40 * GB,
      explanation: 'Pruning frees space inside the VM at once.',
    },
  }
}

function monitor() {
  let now = Date.parse('2025-03-10T12:00:00.000Z')
  let ids = 0
  const disk = new DiskMonitor({
    now: () => new Date((now += 60_000)),
    thresholds: () => THRESHOLDS,
    newId: () => `alert-${++ids}`,
  })
  return (usage: DiskUsage, reclaimableBytes: number | null = 3 * GB) =>
    disk.observe({ host: HOST, usage, reclaimableBytes })
}

describe('disk monitor: an engine in a VM', () => {
  it("this machine's disk running low raises one alert, in its own words and figures", () => {
    const observe = monitor()
    expect(observe(vmUsage(30 * GB, 80 * GB)).raised).toEqual([])
    const { raised } = observe(vmUsage(30 * GB, 4 * GB))
    expect(raised).toHaveLength(1)
    expect(raised[0]).toMatchObject({
      kind: 'free-space',
      level: 'warning',
      freeBytes: 4 * GB,
      totalBytes: 500 * GB,
    })
    expect(raised[0]!.message).toBe(
      "Host disk almost full: 4.00 GB free where the VM's disk file is. Drydock can free 3.00 GB inside the VM; the file shrinks once that space is trimmed.",
    )
    // Still low: nothing new.
    expect(observe(vmUsage(30 * GB, 4.2 * GB))).toMatchObject({ raised: [], cleared: [] })
  })

  it('the disk inside the VM low: the usual alert, with its figures', () => {
    const observe = monitor()
    const { raised } = observe(vmUsage(2 * GB, 80 * GB))
    expect(raised).toHaveLength(1)
    expect(raised[0]).toMatchObject({ level: 'critical', freeBytes: 2 * GB, totalBytes: 60 * GB })
    expect(raised[0]!.message).toMatch(/^Disk critically low: 2\.00 GB free\./)
  })

  it('both low: still one alert; it clears only when both have recovered', () => {
    const observe = monitor()
    expect(observe(vmUsage(4 * GB, 4 * GB)).raised).toHaveLength(1)
    expect(observe(vmUsage(30 * GB, 4 * GB))).toMatchObject({ raised: [], cleared: [] })
    // The disk inside the VM cannot be measured this time: neither cleared nor raised again.
    expect(observe(vmUsage(null, 80 * GB))).toMatchObject({ raised: [], cleared: [] })
    const recovered = observe(vmUsage(30 * GB, 80 * GB))
    expect(recovered.raised).toEqual([])
    expect(recovered.cleared).toHaveLength(1)
  })

  it('checkFreeSpace picks the disk deeper into its threshold', () => {
    const result = checkFreeSpace(vmUsage(4.5 * GB, 2 * GB), THRESHOLDS, defaultRearmMargin)
    expect(result).toMatchObject({
      status: 'checked',
      disk: 'host',
      valueBytes: 2 * GB,
      critical: true,
    })
  })

  it('a disk found full by the probe (size unknown) trips a size threshold, not a percentage', () => {
    const full: DiskUsage = { ...vmUsage(0, 80 * GB), totalBytes: null }
    expect(checkFreeSpace(full, THRESHOLDS, defaultRearmMargin)).toMatchObject({
      status: 'checked',
      crossed: true,
      valueBytes: 0,
    })
    const percentOnly = { ...THRESHOLDS, freeBelowBytes: null, freeBelowPercent: 10 }
    const engineOnly = { ...full, hostDisk: null }
    expect(checkFreeSpace(engineOnly, percentOnly, defaultRearmMargin)).toEqual({
      status: 'unknown',
    })
  })
})
