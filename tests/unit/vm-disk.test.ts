// Telling which VM product runs an engine, from /info, the socket path, the platform and the home
// directory, and finding its disk file where that product keeps it (a fake file system here).
import { describe, expect, it } from 'vitest'
import {
  detectVm,
  findVmDisk,
  hostDiskPath,
  type DiskFileSystem,
  type VmDetectionInputs,
} from '../../src/core/engine/vm-disk'

const MAC = { platform: 'darwin' as const, home: '/Users/ann', env: {} }
const LINUX = { platform: 'linux' as const, home: '/home/ann', env: {} }

function inputs(overrides: Partial<VmDetectionInputs>): VmDetectionInputs {
  return {
    engineName: 'host',
    operatingSystem: 'Ubuntu 24.04',
    socketPath: '/var/run/docker.sock',
    ...LINUX,
    ...overrides,
  }
}

/** Files (path → allocated bytes); directories are listed from the files' paths. */
function fakeFs(files: Record<string, number>): DiskFileSystem {
  return {
    allocation: async (path) =>
      path in files ? { allocatedBytes: files[path]!, sizeBytes: 64e9 } : null,
    list: async (dir) =>
      Object.keys(files)
        .filter((path) => path.startsWith(`${dir}/`) && !path.slice(dir.length + 1).includes('/'))
        .map((path) => path.slice(dir.length + 1)),
  }
}

async function diskOf(input: VmDetectionInputs, files: Record<string, number>) {
  const detection = detectVm(input)
  if (!detection) return null
  return { product: detection.product, file: await findVmDisk(detection, fakeFs(files)), detection }
}

describe('detectVm', () => {
  it('a plain engine on this machine is no VM', () => {
    expect(detectVm(inputs({}))).toBeNull()
    // Rootless Podman on Linux, not a machine.
    expect(detectVm(inputs({ socketPath: '/run/user/1000/podman/podman.sock' }))).toBeNull()
  })

  it('Docker Desktop on macOS: Docker.raw in the app container', async () => {
    const raw = '/Users/ann/Library/Containers/com.docker.docker/Data/vms/0/data/Docker.raw'
    const found = await diskOf(
      inputs({
        ...MAC,
        operatingSystem: 'Docker Desktop',
        engineName: 'docker-desktop',
        socketPath: '/Users/ann/.docker/run/docker.sock',
      }),
      { [raw]: 9e9 },
    )
    expect(found?.product).toBe('Docker Desktop')
    expect(found?.file).toEqual({ path: raw, allocatedBytes: 9e9 })
    expect(hostDiskPath(found!.file, '/Users/ann')).toBe(
      '/Users/ann/Library/Containers/com.docker.docker/Data/vms/0/data',
    )
  })

  it('Docker Desktop on Linux: ~/.docker/desktop; its /var/lib/docker is inside the VM', async () => {
    const raw = '/home/ann/.docker/desktop/vms/0/data/Docker.raw'
    const found = await diskOf(
      inputs({
        operatingSystem: 'Docker Desktop',
        socketPath: '/home/ann/.docker/desktop/docker.sock',
      }),
      { [raw]: 3e9 },
    )
    expect(found?.file?.path).toBe(raw)
  })

  it('Docker Desktop on Windows: docker_data.vhdx (4.30+), ext4.vhdx before', async () => {
    const win = {
      platform: 'win32' as const,
      home: 'C:\\Users\\ann',
      env: { LOCALAPPDATA: 'C:\\Users\\ann\\AppData\\Local' },
      operatingSystem: 'Docker Desktop',
      socketPath: '\\\\.\\pipe\\docker_engine',
    }
    const detection = detectVm(inputs(win))!
    expect(detection.candidates).toEqual([
      { path: 'C:\\Users\\ann\\AppData\\Local\\Docker\\wsl\\disk\\docker_data.vhdx' },
      { path: 'C:\\Users\\ann\\AppData\\Local\\Docker\\wsl\\data\\ext4.vhdx' },
    ])
    expect(detection.explanation).toMatch(/Optimize-VHD/)
  })

  it('Colima: by host name or socket, the profile picks the instance; the data disk first', async () => {
    const datadisk = '/Users/ann/.colima/_lima/_disks/colima/datadisk'
    const diffdisk = '/Users/ann/.colima/_lima/colima/diffdisk'
    const byName = await diskOf(
      inputs({
        ...MAC,
        engineName: 'colima',
        socketPath: '/Users/ann/.colima/default/docker.sock',
      }),
      {
        [datadisk]: 20e9,
        [diffdisk]: 2e9,
      },
    )
    expect(byName).toMatchObject({
      product: 'Colima',
      file: { path: datadisk, allocatedBytes: 20e9 },
    })
    // An older Colima: only the diffdisk.
    expect(
      (await diskOf(inputs({ ...MAC, engineName: 'colima' }), { [diffdisk]: 2e9 }))?.file?.path,
    ).toBe(diffdisk)
    // A profile "work": instance colima-work, told by the socket even with another host name.
    const work = detectVm(
      inputs({ ...MAC, engineName: 'lima', socketPath: '/Users/ann/.colima/work/docker.sock' }),
    )
    expect(work?.candidates[0]).toEqual({
      path: '/Users/ann/.colima/_lima/_disks/colima-work/datadisk',
    })
    // COLIMA_HOME moves everything.
    const moved = detectVm(
      inputs({
        ...MAC,
        env: { COLIMA_HOME: '/opt/colima' },
        socketPath: '/opt/colima/default/docker.sock',
      }),
    )
    expect(moved?.candidates[0]).toEqual({ path: '/opt/colima/_lima/_disks/colima/datadisk' })
    expect(moved?.explanation).toMatch(/colima ssh -- sudo fstrim -a/)
  })

  it('Rancher Desktop: the lima diffdisk under Application Support or ~/.local/share', async () => {
    const mac = detectVm(
      inputs({
        ...MAC,
        engineName: 'lima-rancher-desktop',
        socketPath: '/Users/ann/.rd/docker.sock',
      }),
    )
    expect(mac?.candidates).toEqual([
      { path: '/Users/ann/Library/Application Support/rancher-desktop/lima/0/diffdisk' },
    ])
    const linux = detectVm(inputs({ engineName: 'lima-rancher-desktop' }))
    expect(linux?.candidates).toEqual([
      { path: '/home/ann/.local/share/rancher-desktop/lima/0/diffdisk' },
    ])
    expect(linux?.explanation).toMatch(/rdctl shell sudo fstrim \/mnt\/data/)
  })

  it('OrbStack: data.img in its group container, or in ~/.orbstack on older versions', async () => {
    const legacy = '/Users/ann/.orbstack/data/data.img'
    const found = await diskOf(
      inputs({
        ...MAC,
        operatingSystem: 'OrbStack',
        engineName: 'orbstack',
        socketPath: '/Users/ann/.orbstack/run/docker.sock',
      }),
      {
        [legacy]: 5e9,
      },
    )
    expect(found).toMatchObject({ product: 'OrbStack', file: { path: legacy } })
    expect(found?.detection.candidates[0]).toEqual({
      path: '/Users/ann/Library/Group Containers/HUAQ24HBR6.dev.orbstack/data/data.img',
    })
  })

  it('Podman machine: by its API socket; the largest image of that machine in the provider directory', async () => {
    const dir = '/Users/ann/.local/share/containers/podman/machine/applehv'
    const found = await diskOf(
      inputs({
        ...MAC,
        engineName: 'localhost.localdomain',
        operatingSystem: 'fedora',
        socketPath: '/var/folders/xy/T/podman/podman-machine-default-api.sock',
      }),
      {
        [`${dir}/podman-machine-default-arm64.raw`]: 7e9,
        [`${dir}/other-machine-arm64.raw`]: 30e9,
        [`${dir}/podman-machine-default.json`]: 1e3,
      },
    )
    expect(found).toMatchObject({
      product: 'Podman machine',
      file: { path: `${dir}/podman-machine-default-arm64.raw`, allocatedBytes: 7e9 },
    })
    expect(found?.detection.explanation).toMatch(/podman machine ssh sudo fstrim -av/)
    // The socket under ~/.local/share/containers/podman/machine, and the Windows pipe.
    expect(
      detectVm(
        inputs({
          ...MAC,
          socketPath: '/Users/ann/.local/share/containers/podman/machine/podman.sock',
        }),
      )?.product,
    ).toBe('Podman machine')
    const pipe = detectVm(
      inputs({
        platform: 'win32',
        home: 'C:\\Users\\ann',
        socketPath: '\\\\.\\pipe\\podman-machine-default',
      }),
    )
    expect(pipe?.candidates[0]).toEqual({
      path: 'C:\\Users\\ann\\.local\\share\\containers\\podman\\machine\\wsl\\wsldist\\podman-machine-default\\ext4.vhdx',
    })
  })

  it('a known product whose file is elsewhere: no file, the home directory for the host disk', async () => {
    const found = await diskOf(inputs({ ...MAC, operatingSystem: 'OrbStack' }), {})
    expect(found?.file).toBeNull()
    expect(hostDiskPath(null, '/Users/ann')).toBe('/Users/ann')
  })
})
