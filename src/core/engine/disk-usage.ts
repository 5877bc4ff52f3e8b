/**
 * Disk usage by type, as `docker system df` counts it, plus the free and total bytes of the
 * filesystem that holds the data root when the engine runs on this machine.
 */
import { statfs } from 'node:fs/promises'
import type Docker from 'dockerode'
import type { DiskUsage } from '../../shared/usage'

export interface SystemDf {
  LayersSize?: number
  Images?: { Containers?: number; Size?: number; SharedSize?: number }[] | null
  Containers?: { Id?: string; SizeRw?: number; State?: string }[] | null
  Volumes?: { Name?: string; UsageData?: { Size?: number; RefCount?: number } | null }[] | null
  BuildCache?: BuildCacheAnswer[] | null
}

/** One record of `/system/df` BuildCache (API 1.41 has `Parent`; later ones `Parents`). */
export interface BuildCacheAnswer {
  ID?: string
  Parent?: string
  Parents?: string[] | null
  Type?: string
  Description?: string
  InUse?: boolean
  Shared?: boolean
  Size?: number
  CreatedAt?: string
  LastUsedAt?: string | null
  UsageCount?: number
}

/** Free and total bytes where `path` lives, or null when it cannot be read from here. */
export async function filesystemSpace(
  path: string,
): Promise<{ freeBytes: number; totalBytes: number } | null> {
  try {
    const stats = await statfs(path)
    return { freeBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize }
  } catch {
    return null
  }
}

/**
 * `/system/df`, one at a time per engine: API 1.41 engines answer a second df while one runs
 * with a 500 ("a disk usage operation is already running"), and the dashboard, the tray and the
 * sampler all ask at once. Callers that overlap share the one answer.
 */
export class SharedDiskUsage {
  private inFlight: Promise<SystemDf> | null = null
  /** The last answer and when it was asked for: lists show it at once, with its age. */
  private last: { df: SystemDf; at: Date } | null = null
  private readonly listeners = new Set<(at: Date) => void>()

  constructor(
    private readonly docker: Docker,
    private readonly now: () => Date = () => new Date(),
  ) {}

  read(): Promise<SystemDf> {
    if (!this.inFlight) {
      const at = this.now()
      this.inFlight = (this.docker.df() as Promise<SystemDf>)
        .then((df) => {
          this.last = { df, at }
          for (const listener of this.listeners) listener(at)
          return df
        })
        .finally(() => {
          this.inFlight = null
        })
    }
    return this.inFlight
  }

  /** The last answer at once (null before the first), and a fresh read started behind it when
   * it is older than `maxAgeMs`. Never waits for the engine. */
  latest(maxAgeMs: number): { df: SystemDf; at: Date } | null {
    const stale = !this.last || this.now().getTime() - this.last.at.getTime() > maxAgeMs
    if (stale) void this.read().catch(() => undefined)
    return this.last
  }

  get refreshing(): boolean {
    return this.inFlight !== null
  }

  /** Told each time fresh sizes land. */
  onFresh(listener: (at: Date) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}

export async function readDiskUsage(
  df: SystemDf,
  options: { local: boolean; dataRoot: string; now: Date },
): Promise<DiskUsage> {
  const volumes = df.Volumes ?? []
  const space = options.local && options.dataRoot ? await filesystemSpace(options.dataRoot) : null
  return {
    at: options.now.toISOString(),
    imagesBytes: df.LayersSize ?? 0,
    imageCount: (df.Images ?? []).length,
    containersBytes: (df.Containers ?? []).reduce((sum, c) => sum + Math.max(0, c.SizeRw ?? 0), 0),
    containerCount: (df.Containers ?? []).length,
    volumesBytes: volumes.reduce((sum, v) => sum + Math.max(0, v.UsageData?.Size ?? 0), 0),
    volumeCount: volumes.length,
    unusedVolumeCount: volumes.filter((v) => (v.UsageData?.RefCount ?? 0) === 0).length,
    buildCacheBytes: (df.BuildCache ?? []).reduce(
      (sum, entry) => sum + Math.max(0, entry.Size ?? 0),
      0,
    ),
    freeBytes: space?.freeBytes ?? null,
    totalBytes: space?.totalBytes ?? null,
  }
}

/** What removing unused things of each kind would free, by the engine's own accounting: stopped
 * containers' writable layers, volumes no container mounts, build cache not in use or shared. */
export function reclaimableByKind(df: SystemDf): {
  containersBytes: number
  volumesBytes: number
  buildCacheBytes: number
} {
  return {
    containersBytes: (df.Containers ?? [])
      .filter((c) => c.State !== 'running' && c.State !== 'paused' && c.State !== 'restarting')
      .reduce((sum, c) => sum + Math.max(0, c.SizeRw ?? 0), 0),
    volumesBytes: (df.Volumes ?? [])
      .filter((v) => (v.UsageData?.RefCount ?? 0) === 0)
      .reduce((sum, v) => sum + Math.max(0, v.UsageData?.Size ?? 0), 0),
    buildCacheBytes: (df.BuildCache ?? [])
      .filter((entry) => !entry.InUse && !entry.Shared)
      .reduce((sum, entry) => sum + Math.max(0, entry.Size ?? 0), 0),
  }
}
