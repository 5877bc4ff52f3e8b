/**
 * Reading the layer facts of the images the cache does not know: an inspect and a history per
 * image (`readFactsWhole`), or, where BuildKit's records can be read, an inspect per image and a
 * history only where it tells something new (`readFactsLean`, history-reads.ts).
 */
import type Docker from 'dockerode'
import {
  deriveFacts,
  firstHistories,
  inspected,
  layersByChain,
  sumsCheckOut,
  type InspectedImage,
  type RecordSlots,
} from './history-reads'
import type { ImageFacts, LayerCache } from './inventory'
import type { JsonGet } from './json-get'
import { layerFacts, type HistoryEntry } from './layers'

/** The engine answers many small requests faster in parallel, but not without bound. */
const FETCH_CONCURRENCY = 16
/** Images read at once through the pipelined getter: two requests each, filling its
 * connections' pipelines (pipelined-get.ts). */
const PIPELINED_FETCH_CONCURRENCY = 32
/** Layer facts read from the engine are written to the cache in batches of this many, while
 * the rest are still being read. */
const CACHE_BATCH = 250

export async function mapConcurrently<T, R>(
  items: T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length)
  let next = 0
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++
      results[index] = await task(items[index]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

interface InspectAnswer {
  Created?: string
  RootFS?: { Layers?: string[] }
}

function inspectImage(docker: Docker, imageId: string, get?: JsonGet | null) {
  return (
    get ? get(`/images/${encodeURIComponent(imageId)}/json`) : docker.getImage(imageId).inspect()
  ) as Promise<InspectAnswer>
}

function imageHistory(docker: Docker, imageId: string, get?: JsonGet | null) {
  return (
    get ? get(`/images/${encodeURIComponent(imageId)}/history`) : docker.getImage(imageId).history()
  ) as Promise<HistoryEntry[]>
}

/** Reads an image's facts with `get` when given (the lean path), else through dockerode. */
export async function fetchImageFacts(
  docker: Docker,
  imageId: string,
  get?: JsonGet | null,
): Promise<ImageFacts> {
  const [inspect, history] = await Promise.all([
    inspectImage(docker, imageId, get),
    imageHistory(docker, imageId, get),
  ])
  return {
    createdAt: inspect.Created ?? '',
    layers: layerFacts(inspect.RootFS?.Layers ?? [], history),
  }
}

/** What a read of facts reports to, and writes through. */
export interface FactsRead {
  cache: LayerCache
  get?: JsonGet | null
  pipelined: boolean
  /** Called with each image's facts as they are known (BuildKit's images are told early). */
  seen: (facts: ImageFacts) => void
  progress: { done: number; total: number; report?: (done: number, total: number) => void }
}

/** Removed between the list and the read: the image is simply gone. */
function isGone(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === 404
}

/** Writes facts to the cache in batches, as they arrive. */
function cacheWriter(read: FactsRead) {
  let batch: ({ imageId: string } & ImageFacts)[] = []
  return {
    add(imageId: string, facts: ImageFacts) {
      read.seen(facts)
      batch.push({ imageId, ...facts })
      if (batch.length >= CACHE_BATCH) this.flush()
    },
    flush() {
      if (batch.length > 0) read.cache.putMany(batch)
      batch = []
    },
  }
}

function tick(read: FactsRead): void {
  read.progress.report?.(++read.progress.done, read.progress.total)
}

/** An inspect and a history for each image. */
export async function readFactsWhole(
  docker: Docker,
  imageIds: string[],
  read: FactsRead,
): Promise<Map<string, ImageFacts>> {
  const writer = cacheWriter(read)
  const found = new Map<string, ImageFacts>()
  await mapConcurrently(
    imageIds,
    read.pipelined ? PIPELINED_FETCH_CONCURRENCY : FETCH_CONCURRENCY,
    async (imageId) => {
      try {
        const facts = await fetchImageFacts(docker, imageId, read.get)
        found.set(imageId, facts)
        writer.add(imageId, facts)
      } catch (error) {
        if (!isGone(error)) throw error
      }
      tick(read)
    },
  )
  writer.flush()
  return found
}

/**
 * An inspect for each image, then a history only for those whose facts cannot be derived
 * (history-reads.ts). `recordSlots` says where BuildKit's records could hold a layer; null (not
 * known) reads every history.
 */
export async function readFactsLean(
  docker: Docker,
  missing: { Id: string; Size?: number }[],
  cached: ReadonlyMap<string, ImageFacts>,
  recordSlots: () => Promise<RecordSlots | null>,
  read: FactsRead,
): Promise<Map<string, ImageFacts>> {
  const slotsRead = recordSlots().catch(() => null)
  // One request per image here, so twice the images of a whole read fill the same pipelines.
  const limit = 2 * (read.pipelined ? PIPELINED_FETCH_CONCURRENCY : FETCH_CONCURRENCY)
  const answers = await mapConcurrently(missing, limit, async (summary) => {
    try {
      const answer = await inspectImage(docker, summary.Id, read.get)
      return inspected(
        summary.Id,
        summary.Size ?? 0,
        answer.Created ?? '',
        answer.RootFS?.Layers ?? [],
      )
    } catch (error) {
      if (!isGone(error)) throw error
      return null
    } finally {
      tick(read)
    }
  })
  const images = answers.filter((image): image is InspectedImage => image !== null)
  const writer = cacheWriter(read)
  const found = new Map<string, ImageFacts>()
  const readHistories = (list: InspectedImage[]) =>
    mapConcurrently(list, limit, async (image) => {
      try {
        const history = await imageHistory(docker, image.imageId, read.get)
        const facts = {
          createdAt: image.createdAt,
          layers: layerFacts(image.diffIds, history, image.chainIds),
        }
        found.set(image.imageId, facts)
        writer.add(image.imageId, facts)
        return facts
      } catch (error) {
        if (!isGone(error)) throw error
        return null
      }
    })

  const slots = await slotsRead
  if (!slots) {
    await readHistories(images)
  } else {
    const known = layersByChain(cached.values())
    const first = firstHistories(images, known)
    const firstFacts = await readHistories(first)
    // Sums that do not add up (another store's notion of Size): nothing is derived.
    let trusted = true
    first.forEach((image, index) => {
      const facts = firstFacts[index]
      if (!facts) return
      if (!sumsCheckOut(facts, image.size)) trusted = false
      for (const layer of facts.layers) known.set(layer.chainId, layer)
    })
    const chosen = new Set(first)
    const rest = images.filter((image) => !chosen.has(image))
    const { derived, needHistory } = trusted
      ? deriveFacts(rest, known, slots)
      : { derived: new Map<string, ImageFacts>(), needHistory: rest }
    const histories = readHistories(needHistory)
    // Written while the last histories are on their way.
    for (const [imageId, facts] of derived) {
      found.set(imageId, facts)
      writer.add(imageId, facts)
    }
    writer.flush()
    await histories
  }
  writer.flush()
  return found
}
