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
  Containers?: { SizeRw?: number; State?: string }[] | null
  Volumes?: { UsageData?: { Size?: number; RefCount?: number } | null }[] | null
  BuildCache?: { Size?: number; InUse?: boolean; Shared?: boolean }[] | null
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

  constructor(private readonly docker: Docker) {}

  read(): Promise<SystemDf> {
    this.inFlight ??= (this.docker.df() as Promise<SystemDf>).finally(() => {
      this.inFlight = null
    })
    return this.inFlight
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
