// `drydock status` says where the engine is and where each free-space figure came from.
import { describe, expect, it } from 'vitest'
import { locationFact, usageFacts } from '../../src/cli/commands/status'
import type { DiskUsage } from '../../src/shared/usage'

const MB = 1_000_000

const base: DiskUsage = {
  at: '2025-03-10T12:00:00.000Z',
  imagesBytes: 0,
  imageCount: 0,
  containersBytes: 0,
  containerCount: 0,
  volumesBytes: 0,
  volumeCount: 0,
  unusedVolumeCount: 0,
  buildCacheBytes: 0,
  freeBytes: 100 * MB,
  totalBytes: 400 * MB,
  freeSource: 'probe',
  engineLocation: 'local',
  hostDisk: null,
  vmDisk: null,
}

const facts = (usage: DiskUsage, host = 'unix:///run/dd/docker.sock') =>
  Object.fromEntries(usageFacts(usage, host).filter(([key]) => key !== ''))

describe('status: location and free space', () => {
  it('a local socket is local, even when the free space had to be measured inside the engine', () => {
    expect(facts(base)).toMatchObject({
      Location: 'Local',
      'Free space':
        '100 MB free of 400 MB (25%) where the engine writes; measured inside the engine (probe container)',
    })
    expect(facts({ ...base, freeSource: 'host-statfs' })['Free space']).toMatch(
      /; statfs of the data root on this machine$/,
    )
  })

  it.each([
    ['tcp://10.0.0.5:2376', 'remote', 'Remote (tcp)'],
    ['ssh://me@builder', 'remote', 'Remote (ssh)'],
    ['tcp://127.0.0.1:2375', 'local', 'Local (tcp to this machine)'],
  ] as const)('%s is labelled %s', (host, engineLocation, label) => {
    expect(locationFact({ ...base, engineLocation }, host)).toBe(label)
  })

  it('an engine in a VM: the product, the host disk, the disk file and how it gives space back', () => {
    const usage: DiskUsage = {
      ...base,
      engineLocation: 'vm',
      hostDisk: { freeBytes: 50_000 * MB, totalBytes: 500_000 * MB, path: '/Users/ann' },
      vmDisk: {
        product: 'Colima',
        path: '/Users/ann/.colima/_lima/_disks/colima/datadisk',
        allocatedBytes: 12_000 * MB,
        explanation: 'Pruning frees space inside the VM at once.',
      },
    }
    const lines = usageFacts(usage, 'unix:///Users/ann/.colima/default/docker.sock')
    expect(Object.fromEntries(lines)).toMatchObject({
      Location: 'In a VM (Colima)',
      'Host disk': '50.0 GB free of 500 GB (10%) at /Users/ann',
      'VM disk file': '/Users/ann/.colima/_lima/_disks/colima/datadisk: 12.0 GB allocated',
    })
    expect(lines.at(-1)).toEqual(['', 'Pruning frees space inside the VM at once.'])
  })

  it('unknown free space says why, not "remote"', () => {
    expect(
      facts({ ...base, freeBytes: null, totalBytes: null, freeSource: null })['Free space'],
    ).toBe('unknown: it could not be measured inside the engine')
  })
})
