/**
 * What the engine holds, as the planner needs it: images with their references, parent and
 * layers; containers with their state and image. Per-image layer facts never change for an image
 * ID, so they come from a cache when known and are fetched (inspect + history) only once.
 */
import type Docker from 'dockerode'
import type { JsonGet } from './json-get'
import type { KindsInventory } from './kinds'
import { readFactsLean, readFactsWhole } from './facts-reads'
import type { RecordSlots } from './history-reads'
import { mayBeBuildKit, type LayerFacts } from './layers'
import { isProbeLabelled } from './probe-image'

export interface ImageRecord {
  id: string
  /** Legacy-builder parent; null for loaded or BuildKit images. */
  parentId: string | null
  /** `repo:tag` references (never `<none>:<none>`). */
  tags: string[]
  /** `repo@sha256:…` references. */
  digests: string[]
  /** Build time (config `created`), unix seconds. */
  created: number
  /** The same, as the engine writes it (RFC 3339, nanoseconds): BuildKit's cache records carry
   * the very same instant (see planner/build-cache-layers.ts). '' when unknown. */
  createdAt: string
  labels: Record<string, string>
  /** Bytes of the whole chain, as `docker images` shows. */
  size: number
  layers: LayerFacts[]
}

export type ContainerState =
  'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead'

export interface ContainerRecord {
  id: string
  name: string
  state: ContainerState
  imageId: string
  /** The reference the container was created from (`Config.Image`), possibly a bare ID. */
  imageRef: string
  /** Creation time, unix seconds: the latest known use of its image when no event says more. */
  created: number
  /** Volumes it mounts, by name (bind mounts are the user's files, not Docker's). */
  volumes: { name: string; destination: string }[]
  labels: Record<string, string>
}

export interface Inventory {
  images: ImageRecord[]
  containers: ContainerRecord[]
  /** Writable-layer bytes by container ID, when the containers were listed with their sizes. */
  containerSizes?: Map<string, number>
  /** Volumes, build cache and their sizes; absent when the plan needs none of them. */
  kinds?: KindsInventory
}

/** Where per-image layer facts are remembered between runs (SQLite in the app and CLI). */
/** What never changes for an image ID: its layers and its exact build time. */
export interface ImageFacts {
  createdAt: string
  layers: LayerFacts[]
}

export interface LayerCache {
  getMany(imageIds: string[]): Map<string, ImageFacts>
  putMany(entries: ({ imageId: string } & ImageFacts)[]): void
  /** Whether any image this cache knows was built by BuildKit (a hint, not a fact). */
  knowsBuildKit?(): boolean
  /** Reads ahead what getMany() will want, while the lists are on their way. */
  prefetch?(): void
}

/** A cache that lives as long as the process, for callers without a database. */
export class MemoryLayerCache implements LayerCache {
  private readonly entries = new Map<string, ImageFacts>()
  getMany(imageIds: string[]): Map<string, ImageFacts> {
    const found = new Map<string, ImageFacts>()
    for (const id of imageIds) {
      const entry = this.entries.get(id)
      if (entry) found.set(id, entry)
    }
    return found
  }
  knowsBuildKit(): boolean {
    for (const entry of this.entries.values()) if (entry.layers.some(mayBeBuildKit)) return true
    return false
  }
  putMany(entries: ({ imageId: string } & ImageFacts)[]): void {
    for (const entry of entries)
      this.entries.set(entry.imageId, { createdAt: entry.createdAt, layers: entry.layers })
  }
}

interface ImageSummary {
  Id: string
  ParentId?: string
  RepoTags?: string[] | null
  RepoDigests?: string[] | null
  Created?: number
  Labels?: Record<string, string> | null
  Size?: number
}

interface ContainerSummary {
  Id: string
  SizeRw?: number
  Names?: string[]
  State?: string
  ImageID?: string
  Image?: string
  Created?: number
  Labels?: Record<string, string> | null
  Mounts?: { Type?: string; Name?: string; Destination?: string }[] | null
}

/** An image ID in the API's own form, `sha256:…`: Podman lists parents (`ParentId`) and deleted
 * images (`Deleted`) by the bare hex. */
export function fullImageId(id: string): string {
  return id.includes(':') ? id : `sha256:${id}`
}

/** An image's references without the `<none>` placeholders the API lists for an untagged image. */
export function realReferences(refs: readonly string[] | null | undefined): string[] {
  return (refs ?? []).filter((ref) => ref !== '<none>:<none>' && ref !== '<none>@<none>')
}

export interface InventoryOptions {
  /** The lean getter (json-get.ts, pipelined-get.ts); null: dockerode only (ssh). */
  get?: JsonGet | null
  /** True when `get` pipelines: more images are read at once. */
  pipelined?: boolean
  /** The two lists, already on their way (the CLI sends them before it has loaded). */
  lists?: { images: Promise<unknown>; containers: Promise<unknown>; containerSizes: boolean }
  /** List containers with their writable-layer sizes (`size=1`: what `/system/df` reports). */
  containerSizes?: boolean
  /** Called as each image's facts arrive from the engine (a cold read): done of total. */
  onProgress?: (done: number, total: number) => void
  /** Called once the cache is open and the lists are on their way. */
  onCacheOpen?: (cache: LayerCache) => void
  /** Called once the two lists have arrived (the rest of the read is the layer facts). */
  onListed?: () => void
  /** Called as soon as an image BuildKit built is known (from the cache or the engine), so that
   * its records can be asked for while the rest is read. */
  onBuildKit?: () => void
  /** Where BuildKit's records could hold an image layer, asked for when a cold read begins: with
   * it, a history is read only where it tells something new (history-reads.ts); null: every one. */
  recordSlots?: () => Promise<RecordSlots | null>
}

const builtByBuildKit = (facts: ImageFacts) => facts.layers.some(mayBeBuildKit)

/** The two lists, through the lean getter when there is one. */
function listBoth(
  docker: Docker,
  options: InventoryOptions,
): Promise<[ImageSummary[], ContainerSummary[], boolean]> {
  const sized = options.containerSizes ?? false
  const given = options.lists
  if (given && (given.containerSizes || !sized)) {
    return Promise.all([given.images, given.containers]).then(
      ([images, containers]) =>
        [images as ImageSummary[], containers as ContainerSummary[], given.containerSizes] as [
          ImageSummary[],
          ContainerSummary[],
          boolean,
        ],
    )
  }
  const get = options.get
  const images = given
    ? (given.images as Promise<ImageSummary[]>)
    : get
      ? (get('/images/json?all=1') as Promise<ImageSummary[]>)
      : (docker.listImages({ all: true }) as Promise<ImageSummary[]>)
  const containers = get
    ? (get(`/containers/json?all=1${sized ? '&size=1' : ''}`) as Promise<ContainerSummary[]>)
    : (docker.listContainers({ all: true, size: sized }) as Promise<ContainerSummary[]>)
  return Promise.all([images, containers]).then(([i, c]) => [i, c, sized])
}

/**
 * `openCache` is called once the list requests are on their way: opening the log (a synchronous
 * SQLite open) then overlaps with the engine's work instead of delaying it.
 */
export async function fetchInventory(
  docker: Docker,
  openCache: () => LayerCache,
  options: InventoryOptions = {},
): Promise<Inventory> {
  const { get } = options
  const listing = listBoth(docker, options)
  let cache: LayerCache
  try {
    cache = openCache()
  } catch (error) {
    listing.catch(() => undefined)
    throw error
  }
  options.onCacheOpen?.(cache)
  cache.prefetch?.()
  // Drydock's free-space probe is never the user's: never listed, planned or counted.
  const [allSummaries, allContainerSummaries, sized] = await listing
  options.onListed?.()
  const summaries = allSummaries.filter((summary) => !isProbeLabelled(summary.Labels))
  const containerSummaries = allContainerSummaries.filter(
    (summary) => !isProbeLabelled(summary.Labels),
  )

  const cached = cache.getMany(summaries.map((summary) => summary.Id))
  let buildKitSeen = false
  const seen = (facts: ImageFacts) => {
    if (buildKitSeen || !options.onBuildKit || !builtByBuildKit(facts)) return
    buildKitSeen = true
    options.onBuildKit()
  }
  for (const facts of cached.values()) seen(facts)
  const missing = summaries.filter((summary) => !cached.has(summary.Id))
  const progress = { done: 0, total: missing.length, report: options.onProgress }
  if (missing.length > 0) options.onProgress?.(0, missing.length)
  const read = { cache, get, seen, pipelined: options.pipelined ?? false, progress }
  const factsById =
    options.recordSlots && missing.length >= 2
      ? await readFactsLean(docker, missing, cached, options.recordSlots, read)
      : await readFactsWhole(
          docker,
          missing.map((summary) => summary.Id),
          read,
        )
  for (const [id, entry] of cached) factsById.set(id, entry)

  const images: ImageRecord[] = []
  for (const summary of summaries) {
    const facts = factsById.get(summary.Id)
    if (!facts) continue
    images.push({
      id: summary.Id,
      parentId: summary.ParentId ? fullImageId(summary.ParentId) : null,
      tags: realReferences(summary.RepoTags),
      digests: realReferences(summary.RepoDigests),
      created: summary.Created ?? 0,
      labels: summary.Labels ?? {},
      size: summary.Size ?? 0,
      createdAt: facts.createdAt,
      layers: facts.layers,
    })
  }

  const containers: ContainerRecord[] = containerSummaries.map((summary) => ({
    id: summary.Id,
    name: (summary.Names?.[0] ?? summary.Id.slice(0, 12)).replace(/^\//, ''),
    state: (summary.State ?? 'created') as ContainerState,
    imageId: summary.ImageID ?? '',
    imageRef: summary.Image ?? '',
    created: summary.Created ?? 0,
    volumes: (summary.Mounts ?? [])
      .filter((mount) => mount.Type === 'volume' && mount.Name)
      .map((mount) => ({ name: mount.Name!, destination: mount.Destination ?? '' })),
    labels: summary.Labels ?? {},
  }))
  if (!sized) return { images, containers }
  const containerSizes = new Map(
    containerSummaries.map((summary) => [summary.Id, Math.max(0, summary.SizeRw ?? 0)]),
  )
  return { images, containers, containerSizes }
}
