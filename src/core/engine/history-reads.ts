/**
 * Which images a cold read must ask for their history, and the facts of the others.
 *
 * A history tells two things: each layer's size, and the build step that made it (which BuildKit's
 * record matching compares, planner/build-cache-layers.ts). Images of one project share their
 * lower layers, so once one image's history told those, a sibling's top layer is the only one
 * left, and its size is exact without asking: the image's listed `Size` is the sum of its chain's
 * layer diff sizes (graphdriver store, moby layer/ro_layer.go `Size`; the same `DiffSize` each
 * history entry reports). Its step matters only where a BuildKit record could hold that layer: a
 * regular, shared record at the layer's depth with the layer's size. So a cold read asks for the
 * history of one image per lower chain it does not know yet, and of any image whose top layer a
 * record could hold or whose sums do not check out; the others' facts are derived
 * (docs/engine-rules.md §5, "Per-layer sizes").
 */
import type { ImageFacts } from './inventory'
import { chainIds, type LayerFacts } from './layers'

/** What an image's inspect and list entry say: enough to derive its facts. */
export interface InspectedImage {
  imageId: string
  /** `Size` from `/images/json`: the sum of its layers' diff sizes. */
  size: number
  createdAt: string
  diffIds: string[]
  chainIds: string[]
}

/** Where BuildKit's records could hold an image layer: a layer at `depth` (1 = base) of `size`. */
export interface RecordSlots {
  holds(depth: number, size: number): boolean
}

export function inspected(
  imageId: string,
  size: number,
  createdAt: string,
  diffIds: string[],
): InspectedImage {
  return { imageId, size, createdAt, diffIds, chainIds: chainIds(diffIds) }
}

/** Every layer's facts by chain ID, from images whose facts are known. */
export function layersByChain(facts: Iterable<ImageFacts>): Map<string, LayerFacts> {
  const known = new Map<string, LayerFacts>()
  for (const entry of facts) for (const layer of entry.layers) known.set(layer.chainId, layer)
  return known
}

/** The images whose history is read first: one for each lower chain not yet fully known. */
export function firstHistories(
  images: readonly InspectedImage[],
  known: ReadonlyMap<string, LayerFacts>,
): InspectedImage[] {
  const chosen = new Map<string, InspectedImage>()
  for (const image of images) {
    const lower = image.chainIds.slice(0, -1)
    if (lower.every((chainId) => known.has(chainId))) continue
    const key = lower[lower.length - 1]!
    if (!chosen.has(key)) chosen.set(key, image)
  }
  // Deepest first: a deeper image's history tells every layer under it, so a shallower one whose
  // lower chain is among those needs none of its own.
  const told = new Set<string>()
  const first: InspectedImage[] = []
  for (const [key, image] of [...chosen].sort(
    (a, b) => b[1].chainIds.length - a[1].chainIds.length,
  )) {
    if (told.has(key)) continue
    first.push(image)
    for (const chainId of image.chainIds) told.add(chainId)
  }
  return first
}

/** A history read agrees with the list: its layers' sizes add up to the image's `Size`. */
export function sumsCheckOut(facts: ImageFacts, size: number): boolean {
  return facts.layers.reduce((sum, layer) => sum + layer.size, 0) === size
}

/**
 * Each image's facts where `known` (with the first histories in it) tells them exactly, and the
 * images whose history is still needed.
 */
export function deriveFacts(
  images: readonly InspectedImage[],
  known: ReadonlyMap<string, LayerFacts>,
  slots: RecordSlots,
): { derived: Map<string, ImageFacts>; needHistory: InspectedImage[] } {
  const derived = new Map<string, ImageFacts>()
  const needHistory: InspectedImage[] = []
  for (const image of images) {
    const layers = deriveLayers(image, known, slots)
    if (layers) derived.set(image.imageId, { createdAt: image.createdAt, layers })
    else needHistory.push(image)
  }
  return { derived, needHistory }
}

function deriveLayers(
  image: InspectedImage,
  known: ReadonlyMap<string, LayerFacts>,
  slots: RecordSlots,
): LayerFacts[] | null {
  const layers: LayerFacts[] = []
  let sum = 0
  const depth = image.chainIds.length
  for (let index = 0; index < depth; index += 1) {
    const layer = known.get(image.chainIds[index]!)
    if (layer) {
      layers.push(layer)
      sum += layer.size
    } else if (index < depth - 1) {
      return null
    }
  }
  if (layers.length === depth) return sum === image.size ? layers : null
  const size = image.size - sum
  if (size < 0 || slots.holds(depth, size)) return null
  // No record can hold this layer now; should one later, the matching compares its size alone,
  // and a derived layer counts as maybe BuildKit's (layers.ts mayBeBuildKit): its records are read.
  layers.push({
    diffId: image.diffIds[depth - 1]!,
    chainId: image.chainIds[depth - 1]!,
    size,
    step: '',
    buildkit: false,
    created: 0,
    derived: true,
  })
  return layers
}
