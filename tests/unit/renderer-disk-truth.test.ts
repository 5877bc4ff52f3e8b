/** The free-space card's words: where the engine runs, where the figure came from, the VM disk. */
import { describe, expect, it } from 'vitest'
import {
  freeSourceText,
  hostDiskLine,
  locationBadge,
  unknownFreeText,
  vmDiskLine,
} from '../../src/renderer/src/dashboard/disk-truth'
import type { DiskUsage } from '../../src/shared/usage'

const GB = 1e9
const vmDisk: NonNullable<DiskUsage['vmDisk']> = {
  product: 'Docker Desktop',
  path: '/Users/me/Library/Containers/com.docker.docker/Data/vms/0/data/Docker.raw',
  allocatedBytes: 31.4 * GB,
  explanation: 'Pruning frees space inside the VM at once; its disk file shrinks later.',
}

describe('locationBadge', () => {
  it('names where the engine runs', () => {
    expect(
      locationBadge({ engineLocation: 'local', vmDisk: null }, 'unix:///var/run/docker.sock'),
    ).toBe('Local')
    expect(
      locationBadge({ engineLocation: 'vm', vmDisk }, 'unix:///Users/me/.docker/run/docker.sock'),
    ).toBe('In a VM (Docker Desktop)')
    expect(locationBadge({ engineLocation: 'vm', vmDisk: null }, 'unix:///x.sock')).toBe('In a VM')
    expect(locationBadge({ engineLocation: 'remote', vmDisk: null }, 'ssh://me@box')).toBe(
      'Remote (ssh)',
    )
    expect(locationBadge({ engineLocation: 'remote', vmDisk: null }, 'tcp://box:2376')).toBe(
      'Remote (tcp)',
    )
    expect(locationBadge({ engineLocation: 'remote', vmDisk: null }, 'https://box')).toBe('Remote')
  })
})

describe('freeSourceText', () => {
  it('says where the free figure came from', () => {
    expect(freeSourceText('host-statfs')).toBe('on this machine')
    expect(freeSourceText('probe')).toBe('measured inside the engine')
    expect(freeSourceText(null)).toBeNull()
  })
})

describe('unknownFreeText', () => {
  it('says it could not be measured, and never calls a local socket remote', () => {
    const local = unknownFreeText(
      { engineLocation: 'local', vmDisk: null },
      'unix:///var/run/docker.sock',
    )
    expect(local.title).toBe('Free space could not be measured.')
    expect(local.detail).not.toMatch(/remote|another machine/i)
    expect(local.detail).toMatch(/this machine/)

    const vm = unknownFreeText({ engineLocation: 'vm', vmDisk }, 'unix:///x.sock')
    expect(vm.detail).toMatch(/in a VM \(Docker Desktop\)/)
    expect(vm.detail).not.toMatch(/remote/i)

    const remote = unknownFreeText({ engineLocation: 'remote', vmDisk: null }, 'ssh://me@box')
    expect(remote.detail).toMatch(/ssh:\/\/me@box is on another machine/)
  })
})

describe('the VM lines', () => {
  it("this machine's disk, free of total", () => {
    expect(hostDiskLine({ freeBytes: 12 * GB, totalBytes: 500 * GB, path: '/Users/me' })).toBe(
      '12.0 GB free of 500 GB (2%)',
    )
  })

  it("the VM's disk file: its allocated size, or why it is not known", () => {
    expect(vmDiskLine(vmDisk)).toBe('Docker Desktop’s disk file takes 31.4 GB on this machine.')
    expect(vmDiskLine({ ...vmDisk, allocatedBytes: null })).toBe(
      `Docker Desktop’s disk file is at ${vmDisk.path}; its size could not be read.`,
    )
    expect(vmDiskLine({ ...vmDisk, path: null, allocatedBytes: null })).toBe(
      'Docker Desktop’s disk file was not found where it keeps it.',
    )
  })
})
