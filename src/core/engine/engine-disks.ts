/**
 * Where the engine writes and how full that is, for any engine, and what the figure rests on.
 *
 * - An engine on this machine (a unix socket or pipe, or tcp to a loopback address): statfs of
 *   its data root here is used only once a probe has shown it is the engine's own filesystem
 *   (same size to a block, same inode count, same type unless the probe sees an overlay). The
 *   verdict holds for the connection: the data root's device changes only with an engine restart,
 *   which ends the connection. A data root path that also exists here but is another filesystem
 *   (a private mount namespace, Docker Desktop on Linux beside a native engine) fails the check.
 *   A verdict of 'host' is also kept in the log for a day (DiskVerdicts), keyed by the engine
 *   (address, ID, data root) and by this machine's view of the path (device, filesystem type,
 *   size, inodes): the next process trusts statfs without a probe while all of them match.
 * - Otherwise (a VM, a remote engine, a failed check): the probe, at most once per `maxAgeMs`
 *   (the sampling interval: one probe per sample, however often the window asks).
 * - An engine in a known VM product: also this machine's disk, where the VM's disk file is, and
 *   that file's allocated size (see vm-disk.ts).
 */
import { statfs, stat, readdir } from 'node:fs/promises'
import { homedir } from 'node:os'
import type Docker from 'dockerode'
import type { EngineInfo } from '../../shared/contract'
import type { DiskUsage } from '../../shared/usage'
import { isLoopbackHost, type ResolvedHost } from './host'
import {
  blockBytes,
  isNoSpaceError,
  OVERLAYFS_MAGIC,
  runProbe,
  spaceOf,
  type StatfsReading,
} from './probe'
import { probeArchitecture, type ProbeArchitecture } from './probe-image'
import {
  detectVm,
  findVmDisk,
  hostDiskPath,
  type DiskFileSystem,
  type VmDetection,
} from './vm-disk'

export type EngineDisks = Pick<
  DiskUsage,
  'freeBytes' | 'totalBytes' | 'freeSource' | 'engineLocation' | 'hostDisk' | 'vmDisk'
>

/** Probe verdicts kept between processes (the log's disk_verdicts). */
export interface DiskVerdicts {
  confirmed(key: string, maxAgeMs: number): boolean
  remember(key: string): void
}

/** How long a kept verdict spares the probe: the engine's filesystem changes only with how it is
 * started, and a day bounds the cost of a change the key cannot see. */
const KEPT_VERDICT_MS = 24 * 60 * 60_000

export interface EngineDisksDeps {
  /** statfs of a path on this machine; null when it cannot be read (e.g. it does not exist). */
  hostStatfs(path: string): Promise<StatfsReading | null>
  /** The device a path on this machine is on; null when it cannot be read. */
  hostDevice(path: string): Promise<number | null>
  probe(arch: ProbeArchitecture): Promise<StatfsReading>
  diskFs: DiskFileSystem
  now(): number
  platform: NodeJS.Platform
  home: string
  env: Record<string, string | undefined>
}

/** Whether a statfs read here and the probe's describe the same filesystem. */
export function sameFilesystem(host: StatfsReading, probe: StatfsReading): boolean {
  const hostTotal = host.blocks * blockBytes(host)
  const probeTotal = probe.blocks * blockBytes(probe)
  const slack = Math.max(blockBytes(host), blockBytes(probe))
  return (
    Math.abs(hostTotal - probeTotal) <= slack &&
    host.files === probe.files &&
    (probe.type === OVERLAYFS_MAGIC || probe.type === host.type)
  )
}

/** The engine's socket path or pipe name, when it is reached through one. */
function socketPathOf(host: ResolvedHost): string | null {
  return typeof host.modem.socketPath === 'string' ? host.modem.socketPath : null
}

/** tcp to this machine's loopback: the engine runs here (natively, or in a VM forwarding it). */
function isLoopbackTcp(host: ResolvedHost): boolean {
  return host.modem.protocol !== 'ssh' && !!host.modem.host && isLoopbackHost(host.modem.host)
}

export class EngineDiskReader {
  /** 'host': statfs of the data root here is the engine's; 'probe': it is not (or no path). */
  private verdict: 'host' | 'probe' | null = null
  private lastProbe: { reading: StatfsReading; at: number } | null = null
  private inFlight: Promise<StatfsReading> | null = null
  private vm: { key: string; detection: VmDetection | null } | null = null
  private kept: DiskVerdicts | null = null

  constructor(
    private readonly host: ResolvedHost,
    private readonly deps: EngineDisksDeps,
  ) {}

  /** Keeps 'host' verdicts in `verdicts` and trusts those kept there (see the top of the file). */
  keepVerdictsIn(verdicts: DiskVerdicts): void {
    this.kept = verdicts
  }

  /** Forgets the last probe (after a cleanup: the next reading must show what it freed). */
  forgetProbe(): void {
    this.lastProbe = null
  }

  /**
   * Settles now whether statfs of the data root here is the engine's (the probe that decides it),
   * so that a reading later needs none: `clean` asks while it plans, and its after-run sample is
   * then a statfs. The probe's own reading is forgotten (it is older than the run). Never throws.
   */
  async settleVerdict(engine: EngineInfo): Promise<void> {
    const onThisMachine = this.host.local || isLoopbackTcp(this.host)
    if (this.verdict !== null || !onThisMachine || !engine.dataRoot || this.vmOf(engine)) return
    await this.engineSpace(engine, null, 0).catch(() => undefined)
    this.forgetProbe()
  }

  async read(engine: EngineInfo, maxAgeMs: number): Promise<EngineDisks> {
    const vm = this.vmOf(engine)
    const [space, vmFacts] = await Promise.all([
      this.engineSpace(engine, vm, maxAgeMs),
      vm ? this.vmFacts(vm) : Promise.resolve({ hostDisk: null, vmDisk: null }),
    ])
    const engineLocation: DiskUsage['engineLocation'] = vm
      ? 'vm'
      : this.host.local || (isLoopbackTcp(this.host) && this.verdict === 'host')
        ? 'local'
        : 'remote'
    return { ...space, engineLocation, ...vmFacts }
  }

  private vmOf(engine: EngineInfo): VmDetection | null {
    // A VM on this machine answers on a local socket, or on tcp to localhost (Docker Desktop's
    // "expose the daemon on tcp://localhost:2375").
    if (!this.host.local && !isLoopbackTcp(this.host)) return null
    const key = `${engine.id}\u0000${engine.name}\u0000${engine.os}`
    if (this.vm?.key !== key) {
      this.vm = {
        key,
        detection: detectVm({
          engineName: engine.name,
          operatingSystem: engine.os,
          socketPath: socketPathOf(this.host),
          platform: this.deps.platform,
          home: this.deps.home,
          env: this.deps.env,
        }),
      }
    }
    return this.vm.detection
  }

  private async engineSpace(
    engine: EngineInfo,
    vm: VmDetection | null,
    maxAgeMs: number,
  ): Promise<Pick<EngineDisks, 'freeBytes' | 'totalBytes' | 'freeSource'>> {
    const arch = engine.osType === 'linux' ? probeArchitecture(engine.arch) : null
    const onThisMachine = this.host.local || isLoopbackTcp(this.host)
    if (!vm && onThisMachine && engine.dataRoot && this.verdict !== 'probe') {
      const here = await this.deps.hostStatfs(engine.dataRoot)
      if (!here) {
        this.verdict = 'probe'
      } else if (this.verdict === 'host' || (engine.osType === 'windows' && this.host.local)) {
        // A native Windows engine on a local pipe writes to this machine's own disks: no VM,
        // no namespaces (and no Linux probe to check against).
        return { ...spaceOf(here), freeSource: 'host-statfs' }
      } else if (arch) {
        const key = await this.verdictKey(engine, here)
        if (key && this.keptVerdict(key)) {
          this.verdict = 'host'
          return { ...spaceOf(here), freeSource: 'host-statfs' }
        }
        try {
          const probed = await this.probe(arch, 0)
          this.verdict = sameFilesystem(here, probed) ? 'host' : 'probe'
          if (this.verdict === 'host') {
            if (key) this.keepVerdict(key)
            return { ...spaceOf(here), freeSource: 'host-statfs' }
          }
          return { ...spaceOf(probed), freeSource: 'probe' }
        } catch (error) {
          return this.failed(error)
        }
      }
    }
    if (!arch) return { freeBytes: null, totalBytes: null, freeSource: null }
    try {
      return { ...spaceOf(await this.probe(arch, maxAgeMs)), freeSource: 'probe' }
    } catch (error) {
      return this.failed(error)
    }
  }

  /** The engine and this machine's view of its data root; null when the device is unknown. */
  private async verdictKey(engine: EngineInfo, here: StatfsReading): Promise<string | null> {
    if (!this.kept || !engine.id) return null
    const device = await this.deps.hostDevice(engine.dataRoot)
    if (device === null) return null
    const size = here.blocks * blockBytes(here)
    return JSON.stringify([
      this.host.url,
      engine.id,
      engine.dataRoot,
      device,
      here.type,
      size,
      here.files,
    ])
  }

  private keptVerdict(key: string): boolean {
    try {
      return this.kept?.confirmed(key, KEPT_VERDICT_MS) ?? false
    } catch {
      return false // a log that cannot be read: probe, as without one
    }
  }

  private keepVerdict(key: string): void {
    try {
      this.kept?.remember(key)
    } catch {
      // Not kept: the next process probes once more.
    }
  }

  /** A probe that could not run: unknown, except that a full disk is known to be full. */
  private failed(error: unknown): Pick<EngineDisks, 'freeBytes' | 'totalBytes' | 'freeSource'> {
    if (!isNoSpaceError(error)) return { freeBytes: null, totalBytes: null, freeSource: null }
    const total = this.lastProbe ? spaceOf(this.lastProbe.reading).totalBytes : null
    return { freeBytes: 0, totalBytes: total, freeSource: 'probe' }
  }

  /** A probe reading no older than 90% of `maxAgeMs`; callers at the same time share one run. */
  private async probe(arch: ProbeArchitecture, maxAgeMs: number): Promise<StatfsReading> {
    const last = this.lastProbe
    if (last && this.deps.now() - last.at < maxAgeMs * 0.9) return last.reading
    if (!this.inFlight) {
      const at = this.deps.now()
      this.inFlight = this.deps
        .probe(arch)
        .then((reading) => {
          this.lastProbe = { reading, at }
          return reading
        })
        .finally(() => {
          this.inFlight = null
        })
    }
    return this.inFlight
  }

  private async vmFacts(vm: VmDetection): Promise<Pick<EngineDisks, 'hostDisk' | 'vmDisk'>> {
    const file = await findVmDisk(vm, this.deps.diskFs).catch(() => null)
    const path = hostDiskPath(file, this.deps.home)
    const here = await this.deps.hostStatfs(path)
    return {
      hostDisk: here ? { ...spaceOf(here), path } : null,
      vmDisk: {
        product: vm.product,
        path: file?.path ?? null,
        allocatedBytes: file?.allocatedBytes ?? null,
        explanation: vm.explanation,
      },
    }
  }
}

async function hostDevice(path: string): Promise<number | null> {
  try {
    return (await stat(path)).dev
  } catch {
    return null
  }
}

/** statfs on this machine, in the probe's terms. */
export async function hostStatfs(path: string): Promise<StatfsReading | null> {
  try {
    const s = await statfs(path)
    return {
      bsize: s.bsize,
      frsize: s.bsize,
      blocks: s.blocks,
      bfree: s.bfree,
      bavail: s.bavail,
      files: s.files,
      ffree: s.ffree,
      type: s.type,
    }
  } catch {
    return null
  }
}

export const nodeDiskFs: DiskFileSystem = {
  async allocation(path) {
    try {
      const s = await stat(path)
      if (!s.isFile()) return null
      // st_blocks counts 512-byte units on every Unix; Windows has none (the size is what a
      // dynamic .vhdx takes).
      const allocatedBytes = s.blocks !== undefined && s.blocks > 0 ? s.blocks * 512 : s.size
      return { allocatedBytes, sizeBytes: s.size }
    } catch {
      return null
    }
  },
  async list(dir) {
    return readdir(dir).catch(() => [])
  },
}

/** The reader for one connection, on the real file system and the real engine. */
export function engineDiskReader(host: ResolvedHost, docker: Docker): EngineDiskReader {
  return new EngineDiskReader(host, {
    hostStatfs,
    hostDevice,
    probe: (arch) => runProbe(docker, arch),
    diskFs: nodeDiskFs,
    now: () => Date.now(),
    platform: process.platform,
    home: homedir(),
    env: process.env,
  })
}
