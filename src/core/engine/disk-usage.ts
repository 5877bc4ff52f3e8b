/**
 * Disk usage by type, as `docker system df` counts it (Drydock's probe left out), plus the free
 * space where the engine writes (engine-disks.ts says where that figure comes from).
 */
import type Docker from 'dockerode'
import { errorMessage } from '../../shared/drydock-error'
import type { DiskUsage } from '../../shared/usage'
import type { ImageRecord } from './inventory'
import type { EngineDisks } from './engine-disks'
import { isProbeLabelled } from './probe-image'

export interface SystemDf {
  LayersSize?: number
  Images?:
    | {
        Containers?: number
        Size?: number
        SharedSize?: number
        Labels?: Record<string, string> | null
      }[]
    | null
  Containers?:
    | { Id?: string; SizeRw?: number; State?: string; Labels?: Record<string, string> | null }[]
    | null
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
      this.inFlight = dfWhenFree(this.docker)
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

export function readDiskUsage(df: SystemDf, options: { now: Date; disks: EngineDisks }): DiskUsage {
  const volumes = df.Volumes ?? []
  // The probe's image and container exist only while it runs; if a df catches one, it is not
  // the user's (its image is a single layer of about a kilobyte, shared with nothing).
  const images = (df.Images ?? []).filter((image) => !isProbeLabelled(image.Labels))
  const probeLayers = (df.Images ?? [])
    .filter((image) => isProbeLabelled(image.Labels))
    .reduce((sum, image) => sum + Math.max(0, image.Size ?? 0), 0)
  const containers = (df.Containers ?? []).filter((c) => !isProbeLabelled(c.Labels))
  return {
    at: options.now.toISOString(),
    imagesBytes: Math.max(0, (df.LayersSize ?? 0) - probeLayers),
    imageCount: images.length,
    containersBytes: containers.reduce((sum, c) => sum + Math.max(0, c.SizeRw ?? 0), 0),
    containerCount: containers.length,
    volumesBytes: volumes.reduce((sum, v) => sum + Math.max(0, v.UsageData?.Size ?? 0), 0),
    volumeCount: volumes.length,
    unusedVolumeCount: volumes.filter((v) => (v.UsageData?.RefCount ?? 0) === 0).length,
    buildCacheBytes: (df.BuildCache ?? []).reduce(
      (sum, entry) => sum + Math.max(0, entry.Size ?? 0),
      0,
    ),
    ...options.disks,
  }
}

/**
 * Image usage where `/system/df` cannot say it: Podman's answers `LayersSize: 0` and lists an
 * image once per tag (docs/engine-rules.md §9). From the inventory instead: each layer (chain ID)
 * once, as `LayersSize` counts it, and the images `docker images` lists (intermediate build
 * steps, untagged with a child, left out, as the engine's df leaves them out).
 */
export function imageUsageFromLayers(images: readonly ImageRecord[]): {
  imagesBytes: number
  imageCount: number
} {
  const layers = new Map<string, number>()
  const parents = new Set<string>()
  for (const image of images) {
    for (const layer of image.layers) layers.set(layer.chainId, layer.size)
    if (image.parentId) parents.add(image.parentId)
  }
  let imagesBytes = 0
  for (const size of layers.values()) imagesBytes += Math.max(0, size)
  const intermediate = (image: ImageRecord) => image.tags.length === 0 && parents.has(image.id)
  return { imagesBytes, imageCount: images.filter((image) => !intermediate(image)).length }
}

/** How long a df waits for another process's df to finish (the engine refuses a second). */
const BUSY_WAIT_MS = 120_000
/** How long a df is asked again while deletes race it, from the first race (each race lasts
 * one delete; a prune of thousands of images may race it many times). */
const RACE_WAIT_MS = 15_000

/** Why a df failed in a way that passes: another df running, or a delete racing its walk. */
export function transientDfFailure(error: unknown): 'busy' | 'racing-delete' | null {
  if ((error as { statusCode?: number }).statusCode !== 500) return null
  const message = errorMessage(error)
  if (/already running/i.test(message)) return 'busy'
  // Engine 20.10 lists the images, then reads each one's layers: an image deleted in between
  // fails the whole df. The containerd store fails the same way (moby#51978, fixed by #51979).
  if (
    /failed to retrieve image list: .*was not found/i.test(message) ||
    /snapshot .* does not exist/i.test(message)
  ) {
    return 'racing-delete'
  }
  return null
}

/**
 * `/system/df`, waiting while another process's runs (API 1.41 answers a second one with a 500,
 * "a disk usage operation is already running": the app, `watch` and a CLI plan may overlap), and
 * asked again when a delete raced it (docs/engine-rules.md §4).
 */
async function dfWhenFree(docker: Docker): Promise<SystemDf> {
  const started = Date.now()
  let racedSince: number | null = null
  /** A race names the image's layer; the same layer missing twice is not a race (corruption). */
  const races = new Set<string>()
  for (let pause = 100; ; pause = Math.min(pause * 2, 4_000)) {
    try {
      return (await docker.df()) as SystemDf
    } catch (error) {
      const transient = transientDfFailure(error)
      let deadline = started
      if (transient === 'busy') deadline = started + BUSY_WAIT_MS
      else if (transient === 'racing-delete' && !races.has(errorMessage(error))) {
        races.add(errorMessage(error))
        racedSince ??= Date.now()
        deadline = racedSince + RACE_WAIT_MS
      }
      if (Date.now() + pause > deadline) throw error
      await new Promise((resolve) => setTimeout(resolve, pause))
    }
  }
}
