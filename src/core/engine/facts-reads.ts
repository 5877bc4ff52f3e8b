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
import { layerFacts, pairsExactly, type HistoryEntry } from './layers'

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
  read.progress.done += 1
  read.progress.report?.(read.progress.done, read.progress.total)
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
 * known: Podman, the containerd store, no BuildKit API) reads every history, each beside its
 * image's inspect once that is known.
 */
export async function readFactsLean(
  docker: Docker,
  missing: { Id: string; Size?: number }[],
  cached: ReadonlyMap<string, ImageFacts>,
  recordSlots: () => Promise<RecordSlots | null>,
  read: FactsRead,
): Promise<Map<string, ImageFacts>> {
  const slotsRead = recordSlots().catch(() => null)
  const writer = cacheWriter(read)
  const found = new Map<string, ImageFacts>()
  const gone = new Set<string>()
  /** Images whose history paired with their layers one to one (layers.ts pairsExactly). */
  const exact = new Set<string>()
  /** Reads one history and keeps the facts; null when the image is gone. */
  const readHistory = async (image: InspectedImage): Promise<ImageFacts | null> => {
    try {
      const history = await imageHistory(docker, image.imageId, read.get)
      if (pairsExactly(image.diffIds, history)) exact.add(image.imageId)
      const facts = {
        createdAt: image.createdAt,
        layers: layerFacts(image.diffIds, history, image.chainIds),
      }
      found.set(image.imageId, facts)
      writer.add(image.imageId, facts)
      return facts
    } catch (error) {
      if (!isGone(error)) throw error
      gone.add(image.imageId)
      return null
    }
  }
  // One request per image here, so twice the images of a whole read fill the same pipelines.
  const limit = 2 * (read.pipelined ? PIPELINED_FETCH_CONCURRENCY : FETCH_CONCURRENCY)
  const readHistories = (list: InspectedImage[]) => mapConcurrently(list, limit, readHistory)

  // Every history is needed once the records are known not to be: each is read right after its
  // image's inspect from then on, the rest after the inspects. Progress counts images, each once
  // its inspect (and then its history, if read beside it) is in: the few histories read after
  // the inspects are not counted.
  let every = false
  void slotsRead.then((slots) => {
    every = slots === null
  })
  const answers = await mapConcurrently(missing, limit, async (summary) => {
    try {
      const answer = await inspectImage(docker, summary.Id, read.get)
      const image = inspected(
        summary.Id,
        summary.Size ?? 0,
        answer.Created ?? '',
        answer.RootFS?.Layers ?? [],
      )
      if (every) await readHistory(image)
      return image
    } catch (error) {
      if (!isGone(error)) throw error
      return null
    } finally {
      tick(read)
    }
  })
  const images = answers.filter((image): image is InspectedImage => image !== null)
  const unread = () => images.filter((i) => !found.has(i.imageId) && !gone.has(i.imageId))

  const slots = await slotsRead
  if (!slots) {
    await readHistories(unread())
  } else {
    const known = layersByChain(cached.values())
    let first = firstHistories(images, known)
    // Every lower chain known already: one history still checks the sums on this engine.
    if (first.length === 0 && images.length > 0) first = [images[0]!]
    const firstFacts = await readHistories(first)
    // A first history whose sums do not add up (another notion of Size), or whose steps could only
    // be paired with its layers by their sizes: nothing is derived from it or anything else.
    let trusted = true
    first.forEach((image, index) => {
      const facts = firstFacts[index]
      if (!facts) return
      if (!sumsCheckOut(facts, image.size) || !exact.has(image.imageId)) trusted = false
      for (const layer of facts.layers) known.set(layer.chainId, layer)
    })
    const rest = unread()
    const { derived, needHistory } = trusted
      ? deriveFacts(rest, known, slots)
      : { derived: new Map<string, ImageFacts>(), needHistory: rest }
    const histories = readHistories(needHistory)
    // Written while the last histories are on their way. A failed write ends the read at once:
    // the histories still in flight then settle unobserved by it, so their failure is caught here.
    histories.catch(() => undefined)
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
