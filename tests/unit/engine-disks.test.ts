// Which free-space figure Drydock reports for an engine, and from where: statfs of the data root
// here only once a probe has shown it is the engine's filesystem; the probe otherwise (VMs,
// remote engines, another mount namespace), reused for up to a sampling interval.
import { describe, expect, it } from 'vitest'
import type { EngineInfo } from '../../src/shared/contract'
import {
  EngineDiskReader,
  sameFilesystem,
  type DiskVerdicts,
  type EngineDisksDeps,
} from '../../src/core/engine/engine-disks'
import { modemOptionsFor, type ResolvedHost } from '../../src/core/engine/host'
import { OVERLAYFS_MAGIC, type StatfsReading } from '../../src/core/engine/probe'
import type { ProbeArchitecture } from '../../src/core/engine/probe-image'

const EXT4 = 0xef53
const MB = 1_000_000

function fs(totalMb: number, freeMb: number, extra: Partial<StatfsReading> = {}): StatfsReading {
  return {
    bsize: 4096,
    frsize: 4096,
    blocks: Math.round((totalMb * MB) / 4096),
    bfree: Math.round((freeMb * MB) / 4096),
    bavail: Math.round((freeMb * MB) / 4096),
    files: 25_600,
    ffree: 25_000,
    type: EXT4,
    ...extra,
  }
}

function hostOf(url: string): ResolvedHost {
  const { modem, local } = modemOptionsFor(url, null, {}, [])
  return { url, source: 'option', local, modem }
}

const engine: EngineInfo = {
  host: 'unix:///var/run/docker.sock',
  hostSource: 'default',
  id: 'engine-1',
  name: 'builder',
  version: '27.0.0',
  apiVersion: '1.46',
  os: 'Debian GNU/Linux 12 (bookworm)',
  osType: 'linux',
  arch: 'amd64',
  kernelVersion: '6.1.0',
  storageDriver: 'overlay2',
  imageStore: 'graphdriver',
  engineKind: 'docker',
  dataRoot: '/var/lib/docker',
  cpus: 2,
  memoryBytes: 8e9,
  images: 0,
  containers: 0,
  containersRunning: 0,
}

interface World {
  /** statfs results on this machine, by path (absent: the path does not exist). */
  host: Map<string, StatfsReading>
  /** What the probe sees inside the engine; an Error makes it fail. */
  inside: StatfsReading | Error
  files: Map<string, number>
  probes: ProbeArchitecture[]
  clock: number
  /** The device of each path here (default 1 for a path that exists). */
  devices?: Map<string, number>
}

function world(overrides: Partial<World> = {}): World {
  return {
    host: new Map(),
    inside: fs(400, 300, { type: OVERLAYFS_MAGIC }),
    files: new Map(),
    probes: [],
    clock: 1_000_000,
    ...overrides,
  }
}

function readerFor(url: string, w: World, platform: NodeJS.Platform = 'linux'): EngineDiskReader {
  const deps: EngineDisksDeps = {
    hostStatfs: async (path) => w.host.get(path) ?? null,
    hostDevice: async (path) => (w.host.has(path) ? (w.devices?.get(path) ?? 1) : null),
    probe: async (arch) => {
      w.probes.push(arch)
      if (w.inside instanceof Error) throw w.inside
      return w.inside
    },
    diskFs: {
      allocation: async (path) => {
        const bytes = w.files.get(path)
        return bytes === undefined ? null : { allocatedBytes: bytes, sizeBytes: bytes * 4 }
      },
      list: async () => [],
    },
    now: () => w.clock,
    platform,
    home: platform === 'darwin' ? '/Users/ann' : '/home/ann',
    env: {},
  }
  return new EngineDiskReader(hostOf(url), deps)
}

const MINUTE = 60_000

describe('sameFilesystem', () => {
  it('matches the same size to a block and the same inode count', () => {
    const here = fs(400, 300)
    expect(sameFilesystem(here, { ...here, type: OVERLAYFS_MAGIC, bavail: 10 })).toBe(true)
    expect(sameFilesystem(here, { ...here, blocks: here.blocks + 1 })).toBe(true)
    expect(sameFilesystem(here, { ...here, blocks: here.blocks + 2 })).toBe(false)
    expect(sameFilesystem(here, { ...here, files: here.files + 1 })).toBe(false)
    // Without an overlay in between, the type must match too.
    expect(sameFilesystem(here, { ...here, type: 0x58465342 })).toBe(false)
  })
})

describe('EngineDiskReader', () => {
  it('a local engine whose data root is its own filesystem here: statfs, checked once by a probe', async () => {
    const here = fs(400, 300)
    const w = world({
      host: new Map([['/var/lib/docker', here]]),
      inside: { ...here, type: OVERLAYFS_MAGIC },
    })
    const reader = readerFor('unix:///var/run/docker.sock', w)
    const first = await reader.read(engine, MINUTE)
    expect(first).toEqual({
      freeBytes: here.bavail * 4096,
      totalBytes: here.blocks * 4096,
      freeSource: 'host-statfs',
      engineLocation: 'local',
      hostDisk: null,
      vmDisk: null,
    })
    // Checked once: later readings are statfs alone, and follow the disk at once.
    w.host.set('/var/lib/docker', fs(400, 120))
    const second = await reader.read(engine, MINUTE)
    expect(second.freeBytes).toBe(fs(400, 120).bavail * 4096)
    expect(w.probes).toEqual(['amd64'])
  })

  it('a verdict kept in the log spares the next process its probe, while engine and path match', async () => {
    const here = fs(400, 300)
    const w = world({
      host: new Map([['/var/lib/docker', here]]),
      inside: { ...here, type: OVERLAYFS_MAGIC },
    })
    const log = new Map<string, number>()
    const kept: DiskVerdicts = {
      confirmed: (key, maxAgeMs) => log.has(key) && w.clock - log.get(key)! < maxAgeMs,
      remember: (key) => void log.set(key, w.clock),
    }
    const nextProcess = (info = engine) => {
      const reader = readerFor('unix:///var/run/docker.sock', w)
      reader.keepVerdictsIn(kept)
      return reader.read(info, MINUTE)
    }
    expect((await nextProcess()).freeSource).toBe('host-statfs')
    expect(w.probes).toHaveLength(1)
    expect(await nextProcess()).toMatchObject({
      freeSource: 'host-statfs',
      engineLocation: 'local',
    })
    expect(w.probes).toHaveLength(1)
    // Another engine at the address, the path on another device, or a day gone: probed again.
    await nextProcess({ ...engine, id: 'ANOTHER' })
    expect(w.probes).toHaveLength(2)
    w.devices = new Map([['/var/lib/docker', 2]])
    await nextProcess()
    expect(w.probes).toHaveLength(3)
    w.clock += 24 * 60 * MINUTE
    await nextProcess()
    expect(w.probes).toHaveLength(4)
    await nextProcess()
    expect(w.probes).toHaveLength(4)
  })

  it("a path that is another filesystem here is never kept as the engine's", async () => {
    const w = world({
      host: new Map([['/var/lib/docker', fs(250_000, 200_000)]]),
      inside: fs(400, 90, { type: OVERLAYFS_MAGIC }),
    })
    const log = new Map<string, number>()
    const reader = readerFor('unix:///var/run/docker.sock', w)
    reader.keepVerdictsIn({
      confirmed: (key) => log.has(key),
      remember: (key) => void log.set(key, w.clock),
    })
    expect((await reader.read(engine, MINUTE)).freeSource).toBe('probe')
    expect(log.size).toBe(0)
  })

  it("a data root path that exists here but is another filesystem: the probe's figures, never this one's", async () => {
    const w = world({
      host: new Map([['/var/lib/docker', fs(250_000, 200_000)]]), // this machine's big disk
      inside: fs(400, 90, { type: OVERLAYFS_MAGIC }), // the engine's small one, in its namespace
    })
    const reader = readerFor('unix:///var/run/docker.sock', w)
    const usage = await reader.read(engine, MINUTE)
    expect(usage).toMatchObject({
      freeBytes: fs(400, 90).bavail * 4096,
      totalBytes: fs(400, 90).blocks * 4096,
      freeSource: 'probe',
      engineLocation: 'local', // a local socket is not "remote"
    })
  })

  it('no data root here: the probe, at most once per sampling interval', async () => {
    const w = world()
    const reader = readerFor('unix:///run/other/docker.sock', w)
    await reader.read(engine, MINUTE)
    w.clock += 30_000
    w.inside = fs(400, 100, { type: OVERLAYFS_MAGIC })
    const cached = await reader.read(engine, MINUTE)
    expect(cached.freeBytes).toBe(fs(400, 300).bavail * 4096)
    expect(w.probes).toHaveLength(1)
    w.clock += 30_000 // a full interval later: a new probe
    const fresh = await reader.read(engine, MINUTE)
    expect(fresh.freeBytes).toBe(fs(400, 100).bavail * 4096)
    expect(w.probes).toHaveLength(2)
    // A shorter interval (a Settings change) applies to the next reading.
    w.clock += 6_000
    await reader.read(engine, 5_000)
    expect(w.probes).toHaveLength(3)
    // After a cleanup the probe is not reused.
    reader.forgetProbe()
    await reader.read(engine, MINUTE)
    expect(w.probes).toHaveLength(4)
  })

  it('callers at the same moment share one probe', async () => {
    const w = world()
    const reader = readerFor('ssh://me@builder', w)
    await Promise.all([reader.read(engine, MINUTE), reader.read(engine, MINUTE)])
    expect(w.probes).toHaveLength(1)
  })

  it.each([
    ['tcp://10.0.0.5:2376', 'remote'],
    ['ssh://me@builder', 'remote'],
  ])('%s: the probe, labelled remote', async (url, location) => {
    const w = world({ host: new Map([['/var/lib/docker', fs(250_000, 1)]]) })
    const usage = await readerFor(url, w).read(engine, MINUTE)
    expect(usage).toMatchObject({ freeSource: 'probe', engineLocation: location, hostDisk: null })
    expect(usage.totalBytes).toBe(fs(400, 300).blocks * 4096)
  })

  it('tcp to this machine is local once its data root checks out here', async () => {
    const here = fs(400, 300)
    const w = world({ host: new Map([['/var/lib/docker', here]]), inside: here })
    const usage = await readerFor('tcp://127.0.0.1:2375', w).read(engine, MINUTE)
    expect(usage).toMatchObject({ freeSource: 'host-statfs', engineLocation: 'local' })
  })

  it('an arm64 engine gets the arm64 probe; an architecture without one: unknown', async () => {
    const w = world()
    await readerFor('ssh://me@pi', w).read({ ...engine, arch: 'arm64' }, MINUTE)
    expect(w.probes).toEqual(['arm64'])
    const none = await readerFor('ssh://me@mainframe', w).read({ ...engine, arch: 's390x' }, MINUTE)
    expect(none).toMatchObject({ freeBytes: null, totalBytes: null, freeSource: null })
  })

  it('a probe that fails leaves the figure unknown, and is tried again next time', async () => {
    const w = world({ inside: new Error('the engine refused: no such runtime') })
    const reader = readerFor('ssh://me@builder', w)
    expect(await reader.read(engine, MINUTE)).toMatchObject({ freeBytes: null, freeSource: null })
    w.inside = fs(400, 300)
    expect(await reader.read(engine, MINUTE)).toMatchObject({ freeSource: 'probe' })
  })

  it('a probe that cannot start because the disk is full: 0 bytes free, of the size last seen', async () => {
    const w = world()
    const reader = readerFor('ssh://me@builder', w)
    await reader.read(engine, MINUTE)
    w.clock += MINUTE
    w.inside = new Error(
      'Error response from daemon: mkdir /var/lib/docker/overlay2/x: no space left on device',
    )
    expect(await reader.read(engine, MINUTE)).toEqual(
      expect.objectContaining({
        freeBytes: 0,
        totalBytes: fs(400, 300).blocks * 4096,
        freeSource: 'probe',
      }),
    )
  })

  it('a native Windows engine on a local pipe: statfs of its data root, no probe', async () => {
    const w = world({ host: new Map([['C:\\ProgramData\\docker', fs(500_000, 100_000)]]) })
    const windows = {
      ...engine,
      osType: 'windows',
      dataRoot: 'C:\\ProgramData\\docker',
      os: 'Windows Server 2022',
    }
    const usage = await readerFor('npipe:////./pipe/docker_engine', w, 'win32').read(
      windows,
      MINUTE,
    )
    expect(usage).toMatchObject({ freeSource: 'host-statfs', engineLocation: 'local' })
    expect(w.probes).toEqual([])
  })

  it("an engine in a VM: the probe inside, this machine's disk, and the VM disk file", async () => {
    const file = '/Users/ann/Library/Containers/com.docker.docker/Data/vms/0/data/Docker.raw'
    const w = world({
      // Docker Desktop's data root path does not exist on a Mac; even if it did, it is not used.
      host: new Map([
        ['/Users/ann/Library/Containers/com.docker.docker/Data/vms/0/data', fs(500_000, 40_000)],
      ]),
      files: new Map([[file, 12_000 * MB]]),
    })
    const desktop = { ...engine, name: 'docker-desktop', os: 'Docker Desktop' }
    const usage = await readerFor('unix:///Users/ann/.docker/run/docker.sock', w, 'darwin').read(
      desktop,
      MINUTE,
    )
    expect(usage).toMatchObject({
      freeSource: 'probe',
      engineLocation: 'vm',
      hostDisk: {
        path: '/Users/ann/Library/Containers/com.docker.docker/Data/vms/0/data',
        freeBytes: fs(500_000, 40_000).bavail * 4096,
      },
      vmDisk: { product: 'Docker Desktop', path: file, allocatedBytes: 12_000 * MB },
    })
    expect(usage.vmDisk?.explanation).toMatch(/shrinks only after/)
  })
})
