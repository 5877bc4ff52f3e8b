/**
 * Engines that run in a VM on this machine (Docker Desktop, Colima, Rancher Desktop, OrbStack,
 * Podman machine): which product it is, where its disk file lives, and how that file gives space
 * back. Pruning frees space inside the VM at once; the file on this machine's disk shrinks only
 * after the freed blocks are trimmed (and, for some formats, the file compacted).
 *
 * Detection is pure (the engine's /info Name and OperatingSystem, the socket path, the platform
 * and the home directory); finding the file takes a small file-system interface, so both are unit
 * tested with a fake one.
 *
 * Where each product keeps its disk, and what was verified (public docs, issues, code):
 * - Docker Desktop macOS ~/Library/Containers/com.docker.docker/Data/vms/0/data/Docker.raw
 *   (verified; Docker.qcow2 on old versions), Linux ~/.docker/desktop/vms/0/data/Docker.raw
 *   (verified), Windows %LOCALAPPDATA%\Docker\wsl\disk\docker_data.vhdx since 4.30 (verified),
 *   %LOCALAPPDATA%\Docker\wsl\data\ext4.vhdx before (verified). /info says OperatingSystem
 *   "Docker Desktop", Name "docker-desktop" (verified).
 * - Colima: $COLIMA_HOME (~/.colima)/_lima/_disks/<instance>/datadisk holds the container data on
 *   recent versions, _lima/<instance>/diffdisk on older ones, ~/.lima/colima/diffdisk on the
 *   oldest (all three seen in public scripts; the split is not in Colima's docs). The instance is
 *   "colima" or "colima-<profile>", also the VM's host name (/info Name). Its FAQ documents
 *   `colima ssh -- sudo fstrim -a` and the trim at start-up (verified).
 * - Rancher Desktop: ~/Library/Application Support/rancher-desktop/lima/0/diffdisk (macOS),
 *   ~/.local/share/rancher-desktop/lima/0/diffdisk (Linux) (both verified; /info Name
 *   "lima-rancher-desktop", verified); it runs `fstrim /mnt/data` at boot and shutdown (verified).
 *   Its Windows (WSL) disk is not looked for: its path could not be verified.
 * - OrbStack: ~/Library/Group Containers/HUAQ24HBR6.dev.orbstack/data/data.img (verified; the team
 *   id is HUAQ24HBR6, not the HUC9X3Z7N6 first suggested), ~/.orbstack/data/data.img on older
 *   versions (now a symlink); /info OperatingSystem "OrbStack", Name "orbstack" (verified).
 * - Podman machine: ~/.local/share/containers/podman/machine/<provider>/<machine>*.raw|.qcow2
 *   (verified for qemu and applehv), .../wsl/wsldist/<machine>/ext4.vhdx on Windows (verified);
 *   `podman machine ssh sudo fstrim -av` gives the space back (verified). Podman's /info does not
 *   name it, so it is told by its socket: $TMPDIR/podman/<machine>-api.sock,
 *   ~/.local/share/containers/podman/machine/…, or the pipe //./pipe/<machine>.
 */
import { dirname, join, posix, win32 } from 'node:path'
import type { VmProduct } from '../../shared/usage'

export interface VmDetectionInputs {
  /** /info Name: the VM's host name for Colima, Rancher Desktop, OrbStack, Docker Desktop. */
  engineName: string
  /** /info OperatingSystem. */
  operatingSystem: string
  /** The unix socket path or named pipe Drydock connects to; null for tcp and ssh. */
  socketPath: string | null
  platform: NodeJS.Platform
  home: string
  env: Record<string, string | undefined>
}

/** A file to look for, or files in a directory whose name matches. */
export type DiskCandidate = { path: string } | { dir: string; match: RegExp }

export interface VmDetection {
  product: VmProduct
  candidates: DiskCandidate[]
  explanation: string
}

const PRUNE_THEN =
  'Pruning frees space inside the VM at once; its disk file on this machine shrinks only after the freed blocks are trimmed.'

function dockerDesktop(inputs: VmDetectionInputs): VmDetection {
  const { home, platform, env } = inputs
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA ?? win32.join(home, 'AppData', 'Local')
    return {
      product: 'Docker Desktop',
      candidates: [
        { path: win32.join(local, 'Docker', 'wsl', 'disk', 'docker_data.vhdx') },
        { path: win32.join(local, 'Docker', 'wsl', 'data', 'ext4.vhdx') },
      ],
      explanation:
        `${PRUNE_THEN} The WSL disk (.vhdx) does not shrink by itself: quit Docker Desktop, run ` +
        '`wsl --shutdown`, then `Optimize-VHD -Path <file> -Mode Full` (Hyper-V) or diskpart ' +
        '`compact vdisk`. Troubleshoot > Clean / Purge data also shrinks it, but deletes everything.',
    }
  }
  const dir =
    platform === 'darwin'
      ? posix.join(home, 'Library/Containers/com.docker.docker/Data/vms/0/data')
      : posix.join(home, '.docker/desktop/vms/0/data')
  return {
    product: 'Docker Desktop',
    candidates: [
      { path: posix.join(dir, 'Docker.raw') },
      { path: posix.join(dir, 'Docker.qcow2') },
    ],
    explanation:
      `${PRUNE_THEN} Recent Docker Desktop versions trim by themselves within a few minutes of a ` +
      'prune (the file is sparse: its allocated size is what counts, not its apparent size); ' +
      'restarting Docker Desktop also trims. Troubleshoot > Clean / Purge data shrinks it to ' +
      'nothing, but deletes everything.',
  }
}

function colima(inputs: VmDetectionInputs, instance: string): VmDetection {
  const colimaHome = inputs.env.COLIMA_HOME || posix.join(inputs.home, '.colima')
  return {
    product: 'Colima',
    candidates: [
      { path: posix.join(colimaHome, '_lima', '_disks', instance, 'datadisk') },
      { path: posix.join(colimaHome, '_lima', instance, 'diffdisk') },
      { path: posix.join(inputs.home, '.lima', instance, 'diffdisk') },
    ],
    explanation:
      `${PRUNE_THEN} Colima trims when it starts (v0.5 and later): \`colima restart\`, or now ` +
      'with `colima ssh -- sudo fstrim -a`.',
  }
}

function rancherDesktop(inputs: VmDetectionInputs): VmDetection {
  const base =
    inputs.platform === 'darwin'
      ? posix.join(inputs.home, 'Library/Application Support/rancher-desktop/lima')
      : posix.join(inputs.home, '.local/share/rancher-desktop/lima')
  return {
    product: 'Rancher Desktop',
    candidates: inputs.platform === 'win32' ? [] : [{ path: posix.join(base, '0', 'diffdisk') }],
    explanation:
      `${PRUNE_THEN} Rancher Desktop trims when it starts and when it quits; to trim now: ` +
      '`rdctl shell sudo fstrim /mnt/data`.',
  }
}

function orbStack(inputs: VmDetectionInputs): VmDetection {
  const group = posix.join(inputs.home, 'Library/Group Containers/HUAQ24HBR6.dev.orbstack/data')
  const legacy = posix.join(inputs.home, '.orbstack/data')
  return {
    product: 'OrbStack',
    candidates: [
      { path: posix.join(group, 'data.img') },
      { path: posix.join(group, 'data.img.raw') },
      { path: posix.join(legacy, 'data.img') },
    ],
    explanation:
      `${PRUNE_THEN} OrbStack gives freed space back to macOS by itself; if the file stays ` +
      'large after a prune, restart OrbStack.',
  }
}

function podmanMachine(inputs: VmDetectionInputs, machine: string): VmDetection {
  const base = (inputs.platform === 'win32' ? win32 : posix).join(
    inputs.home,
    '.local',
    'share',
    'containers',
    'podman',
    'machine',
  )
  const join2 = inputs.platform === 'win32' ? win32.join : posix.join
  const escaped = machine.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const image = new RegExp(`^${escaped}([-_].*)?\\.(raw|qcow2|img|vhdx)$`)
  return {
    product: 'Podman machine',
    candidates: [
      { path: join2(base, 'wsl', 'wsldist', machine, 'ext4.vhdx') },
      ...['applehv', 'libkrun', 'qemu', 'hyperv'].map((provider) => ({
        dir: join2(base, provider),
        match: image,
      })),
    ],
    explanation:
      `${PRUNE_THEN} Trim with \`podman machine ssh sudo fstrim -av\`` +
      (inputs.platform === 'win32'
        ? "; a WSL machine's .vhdx also needs `wsl --shutdown` and a compaction (Optimize-VHD)."
        : '.'),
  }
}

/** The Colima instance a socket belongs to: $COLIMA_HOME/<profile>/docker.sock. */
function colimaInstanceOfSocket(inputs: VmDetectionInputs): string | null {
  if (!inputs.socketPath) return null
  const colimaHome = inputs.env.COLIMA_HOME || posix.join(inputs.home, '.colima')
  const prefix = `${colimaHome.replace(/\/+$/, '')}/`
  if (!inputs.socketPath.startsWith(prefix)) return null
  const profile = inputs.socketPath.slice(prefix.length).split('/')[0] ?? ''
  if (profile === '' || profile === 'docker.sock') return 'colima' // v0.3: ~/.colima/docker.sock
  return profile === 'default' ? 'colima' : `colima-${profile}`
}

/** The Podman machine a socket or pipe belongs to, or null when it is not one. */
function podmanMachineOfSocket(socketPath: string | null): string | null {
  if (!socketPath) return null
  const pipe = /[\\/]pipe[\\/](podman-machine[^\\/]*)$/i.exec(socketPath)
  if (pipe) return pipe[1]!
  const api = /\/podman\/([^/]+)-api\.sock$/.exec(socketPath)
  if (api) return api[1]!
  if (/\/\.local\/share\/containers\/podman\/machine\//.test(socketPath)) {
    const named = /\/machine\/(?:[^/]+\/)?([^/]+)\.sock$/.exec(socketPath)
    const name = named?.[1]
    return name && name !== 'podman' && !name.endsWith('-api') ? name : 'podman-machine-default'
  }
  return null
}

/** Which VM product runs this engine, if any (only asked for engines on a local socket). */
export function detectVm(inputs: VmDetectionInputs): VmDetection | null {
  const name = inputs.engineName.trim().toLowerCase()
  const os = inputs.operatingSystem.trim().toLowerCase()
  if (os === 'docker desktop' || name === 'docker-desktop') return dockerDesktop(inputs)
  if (os === 'orbstack' || name === 'orbstack') return orbStack(inputs)
  if (name === 'lima-rancher-desktop') return rancherDesktop(inputs)
  const colimaInstance = colimaInstanceOfSocket(inputs)
  if (colimaInstance) return colima(inputs, colimaInstance)
  if (name === 'colima' || name.startsWith('colima-')) return colima(inputs, name)
  const machine = podmanMachineOfSocket(inputs.socketPath)
  if (machine) return podmanMachine(inputs, machine)
  return null
}

/** What Drydock needs of the file system to find the disk file (a fake one in unit tests). */
export interface DiskFileSystem {
  /** A regular file's bytes on disk (st_blocks × 512) and apparent size; null if absent. */
  allocation(path: string): Promise<{ allocatedBytes: number; sizeBytes: number } | null>
  /** The names in a directory; [] when it cannot be read. */
  list(dir: string): Promise<string[]>
}

export interface VmDiskFile {
  path: string
  /** Bytes the file really takes on this machine's disk (sparse files: far less than its size). */
  allocatedBytes: number
}

/** The first candidate that exists (in a directory: the largest match). */
export async function findVmDisk(
  detection: VmDetection,
  fs: DiskFileSystem,
): Promise<VmDiskFile | null> {
  for (const candidate of detection.candidates) {
    if ('path' in candidate) {
      const found = await fs.allocation(candidate.path)
      if (found) return { path: candidate.path, allocatedBytes: found.allocatedBytes }
      continue
    }
    let best: VmDiskFile | null = null
    for (const entry of await fs.list(candidate.dir)) {
      if (!candidate.match.test(entry)) continue
      const path = candidate.dir.includes('\\')
        ? win32.join(candidate.dir, entry)
        : join(candidate.dir, entry)
      const found = await fs.allocation(path)
      if (found && (!best || found.allocatedBytes > best.allocatedBytes)) {
        best = { path, allocatedBytes: found.allocatedBytes }
      }
    }
    if (best) return best
  }
  return null
}

/** The directory to measure the host disk at: the disk file's, else the home directory. */
export function hostDiskPath(file: VmDiskFile | null, home: string): string {
  return file ? (file.path.includes('\\') ? win32.dirname(file.path) : dirname(file.path)) : home
}
