/**
 * Which image layer each BuildKit cache record holds, told from the API alone (Engine 20.10,
 * classic graphdriver store, BuildKit v0.8 inside moby). docs/engine-rules.md §6.
 *
 * Why a record can hold a layer: moby's snapshotter (builder/builder-next/adapters/snapshot)
 * registers an exported record's snapshot *as* the layer (EnsureLayer → RegisterByGraphID), and a
 * "from local"/"pulled from" record takes a reference on an existing image's layer (LayerStore.Get
 * by chain ID). Either way the layer (and, through the layer store's parent references, every
 * layer under it) stays on disk while the record lives, whatever happens to the images.
 *
 * /system/df never names the layer. What it does give, and what we use:
 * - record parents: one record per layer, so a record's depth in its parent chain is the index of
 *   its layer in every image that contains it (from-local records included, one per base layer);
 * - an image's `Created` (nanoseconds) equals the CreatedAt of the record that made its top layer
 *   (moby exporter/writer.go normalizeLayersAndHistory fills history times from the records) —
 *   the exact anchor;
 * - a built record's Size equals its layer's history Size, to the byte (both are the layer's
 *   DiffSize once exported); from-local records always report Size 0;
 * - history Created (seconds) and CreatedBy against the record's CreatedAt and Description;
 * - Shared: moby's imagerefchecker says the record's layer chain is a prefix of some image's
 *   RootFS. Not shared ⇒ it holds no layer of any current image.
 */

import type { RecordSlots } from '../engine/history-reads'

export interface BuildCacheRecordFacts {
  id: string
  /** `[Parent]` on API 1.41 (`Parents` from 1.42); empty for a root. */
  parents: string[]
  /** regular, source.local, exec.cachemount, source.git.checkout, frontend, internal. */
  type: string
  description: string
  inUse: boolean
  shared: boolean
  size: number
  /** RFC 3339 with nanoseconds, exactly as /system/df gives it (milliseconds lose the anchor). */
  createdAt: string
  lastUsedAt: string | null
}

export interface ImageHistoryFacts {
  CreatedBy?: string
  Size?: number
  Comment?: string
  /** Unix seconds. */
  Created?: number
}

export interface ImageLayerFacts {
  id: string
  /** `/images/{id}/json` Created: RFC 3339 with nanoseconds. */
  created: string
  /** Oldest first, as RootFS.Layers. */
  layers: { diffId: string; chainId: string; size: number }[]
  /** Newest first, as `/images/{id}/history`. */
  history: ImageHistoryFacts[]
}

export type LayerConfidence = 'exact' | 'inferred' | 'none'

/**
 * - chainId set: the record holds that layer and all under it; deleting it frees nothing while an
 *   image or another record still holds the layer.
 * - chainId null, 'exact' or 'inferred': it holds no current image's layer, only its own data.
 * - chainId null, 'none': it holds some image's layer (Shared) but which one cannot be told;
 *   `candidates` lists the layers it may be. Plan deleting it, and deleting those images, as 0 B.
 */
export interface RecordLayer {
  chainId: string | null
  confidence: LayerConfidence
  why: string
  candidates?: string[]
}

/** Records that copy or reference a base image's layers: Size 0, no own data, any CreatedBy. */
const BASE_RECORD = /^(?:from local|pulled from)\b/
/** BuildKit 0.8 names a RUN's output "mount / from exec <argv>"; newer ones "[n/m] RUN …". */
const RUN_RECORD = /^(?:mount \/ from exec |\[[^\]]*\] RUN )(.*)$/s
const FILE_RECORD = /^(?:fileop target$|\[[^\]]*\] (?:COPY|ADD|WORKDIR)\b)/
const FILE_STEP = /^(?:COPY|ADD|WORKDIR)\b/
const CONFIG_ONLY_STEP =
  /^(?:\/bin\/sh -c )?(?:#\(nop\)\s*)?(LABEL|ENV|CMD|ENTRYPOINT|EXPOSE|USER|VOLUME|ARG|ONBUILD|STOPSIGNAL|HEALTHCHECK|SHELL|MAINTAINER)\b/

interface Layer {
  chainId: string
  size: number
  step: ImageHistoryFacts | undefined
}

type Placed = Map<string, RecordLayer>

export function layersHeldByRecords(
  records: BuildCacheRecordFacts[],
  images: ImageLayerFacts[],
): Map<string, RecordLayer> {
  records = linked(records)
  const byId = new Map(records.map((record) => [record.id, record]))
  const depth = depths(records, byId)
  /** The record, its parent, … down to the root (or a missing parent). */
  const chainOf = (record: BuildCacheRecordFacts) => {
    const chain: { record: BuildCacheRecordFacts; depth: number }[] = []
    for (let at = byId.get(record.id); at && depth.has(at.id); at = byId.get(at.parents[0] ?? ''))
      chain.push({ record: at, depth: depth.get(at.id)! })
    return chain
  }
  const placed: Placed = new Map()
  const place = (
    record: BuildCacheRecordFacts,
    layers: Layer[],
    level: LayerConfidence,
    why: string,
  ) => {
    for (const { record: at, depth: d } of chainOf(record)) {
      const chainId = layers[d - 1]!.chainId
      const held = placed.get(at.id)
      if (held?.chainId === chainId) continue
      const reason = at === record ? why : `under a record that ${why}`
      placed.set(
        at.id,
        held && held.confidence !== 'none'
          ? // Two matches disagree: the facts are not from one moment. Say so rather than guess.
            {
              chainId: null,
              confidence: 'none',
              why: 'conflicting matches',
              candidates: [held.chainId ?? '', chainId].filter(Boolean),
            }
          : { chainId, confidence: level, why: reason },
      )
    }
  }
  // Each image's layers with their history entries, worked out only for the images a record may
  // match (a plan of 2,000 images asks for a few dozen): the time anchors, then the images whose
  // layers agree in chain and size before their steps are compared.
  const stepped = new Map<ImageLayerFacts, Layer[]>()
  const layersFor = (image: ImageLayerFacts): Layer[] => {
    let layers = stepped.get(image)
    if (!layers) stepped.set(image, (layers = layersOf(image)))
    return layers
  }

  // 1. Types that never become image layers, and records no image holds (moby's ref checker).
  for (const record of records) {
    if (record.type !== 'regular') {
      placed.set(record.id, {
        chainId: null,
        confidence: 'exact',
        why: `${record.type}: its own data, never an image layer`,
      })
    } else if (!record.shared) {
      placed.set(record.id, {
        chainId: null,
        confidence: 'exact',
        why: BASE_RECORD.test(record.description)
          ? 'not shared: holds a layer of an image that is gone, whose bytes the API no longer tells (Size 0)'
          : 'not shared: no image holds its layer; deleting it frees its own Size',
      })
    }
  }

  // 2. Exact anchors: the record that made an image's top layer was created at the image's time
  //    (to the nanosecond), sits at the depth of its top layer, and its built ancestors' sizes
  //    are the layers' sizes.
  const byTime = new Map<bigint, BuildCacheRecordFacts[]>()
  for (const record of records) {
    const ns = timeNs(record.createdAt)
    if (ns !== null && record.type === 'regular' && record.shared)
      byTime.set(ns, [...(byTime.get(ns) ?? []), record])
  }
  for (const image of images) {
    const created = byTime.size > 0 ? timeNs(image.created) : null
    for (const record of (created !== null && byTime.get(created)) || []) {
      const layers = layersFor(image)
      if (depth.get(record.id) === layers.length && agrees(chainOf(record), layers, false, placed))
        place(record, layers, 'exact', `made the top layer of ${image.id.slice(7, 19)}`)
    }
  }

  // 3. The other shared records, deepest first (a match places its ancestors too): the images
  //    whose layers agree in size, time and step with the record and its ancestors.
  const rest = records
    .filter((record) => record.type === 'regular' && record.shared)
    .sort((a, b) => (depth.get(b.id) ?? 0) - (depth.get(a.id) ?? 0))
  for (const record of rest) {
    if (placed.has(record.id)) continue
    const d = depth.get(record.id)
    const chain = chainOf(record)
    // Without steps first, on the layers as listed (the same chain IDs and sizes): cheap, and
    // what the full comparison checks first anyway.
    const matches =
      d === undefined
        ? []
        : images.filter(
            (image) =>
              image.layers.length >= d &&
              agrees(chain, image.layers, false, placed) &&
              agrees(chain, layersFor(image), true, placed),
          )
    const candidates = [...new Set(matches.map((image) => image.layers[d! - 1]!.chainId))]
    if (candidates.length === 1) {
      place(
        record,
        layersFor(matches[0]!),
        'inferred',
        `matches layer ${d} of ${matches[0]!.id.slice(7, 19)} by size, time and step`,
      )
    } else {
      const why =
        d === undefined
          ? 'shared, but its parent chain is incomplete'
          : candidates.length === 0
            ? 'shared, but no image layer matches'
            : `shared; ${candidates.length} layers match`
      placed.set(record.id, { chainId: null, confidence: 'none', why, candidates })
    }
  }
  return placed
}

/**
 * Where these records could hold an image layer, for a cold read that derives what it can
 * (engine/history-reads.ts): a regular, shared record holds the layer at its depth, of its size;
 * one whose depth cannot be told, counted at every depth.
 */
export function recordSlots(
  records: Pick<BuildCacheRecordFacts, 'id' | 'parents' | 'type' | 'shared' | 'size'>[],
): RecordSlots {
  const withParents = linked(records)
  const depth = depths(withParents, new Map(withParents.map((record) => [record.id, record])))
  const slots = new Set<string>()
  const anyDepth = new Set<number>()
  for (const record of withParents) {
    if (record.type !== 'regular' || !record.shared) continue
    const d = depth.get(record.id)
    if (d === undefined) anyDepth.add(record.size)
    else slots.add(`${d}:${record.size}`)
  }
  return { holds: (d, size) => anyDepth.has(size) || slots.has(`${d}:${size}`) }
}

/** The records with their real parents: API 1.41 says Parent "" for a root. */
function linked<R extends { parents: string[] }>(records: R[]): R[] {
  return records.map((r) => ({ ...r, parents: r.parents.filter((p) => p !== '') }))
}

/** Depth in the parent chain (a root is 1); absent when a parent is missing or there are several. */
function depths<R extends { id: string; parents: string[] }>(
  records: R[],
  byId: Map<string, R>,
): Map<string, number> {
  const depth = new Map<string, number | null>()
  const visit = (record: R, seen: Set<string>): number | null => {
    const known = depth.get(record.id)
    if (known !== undefined) return known
    if (seen.has(record.id) || record.parents.length > 1) return null // a cycle, or a merge
    seen.add(record.id)
    const parentId = record.parents[0]
    const parent = parentId === undefined ? undefined : byId.get(parentId)
    const below = parentId === undefined ? 0 : parent ? visit(parent, seen) : null
    const d = below === null ? null : below + 1
    depth.set(record.id, d)
    return d
  }
  for (const record of records) visit(record, new Set())
  return new Map([...depth].filter((entry): entry is [string, number] => entry[1] !== null))
}

/**
 * Each record down the chain against the image's layer at its depth: built records report their
 * layer's size to the byte; with `steps`, also its history time (seconds) and step. An ancestor
 * already placed settles the rest (equal chain IDs mean equal layers below).
 */
function agrees(
  chain: { record: BuildCacheRecordFacts; depth: number }[],
  layers: readonly (Omit<Layer, 'step'> & { step?: Layer['step'] })[],
  steps: boolean,
  placed: Placed,
): boolean {
  for (const { record, depth } of chain) {
    const layer = layers[depth - 1]
    if (!layer) return false
    const known = placed.get(record.id)?.chainId
    if (known) return known === layer.chainId
    if (BASE_RECORD.test(record.description)) continue // a base layer: nothing to compare
    if (record.size !== layer.size) return false
    if (!steps || !layer.step) continue
    const created = timeNs(record.createdAt)
    const { Created, CreatedBy } = layer.step
    if (Created !== undefined && created !== null && BigInt(Created) !== created / 1_000_000_000n)
      return false
    // A layer whose history was never read (engine/history-reads.ts) has no step: size decides.
    if (CreatedBy !== undefined && !sameStep(record.description, CreatedBy)) return false
  }
  return true
}

/** "mount / from exec /bin/sh -c X" is "RUN /bin/sh -c X # buildkit"; a file op is COPY/ADD/WORKDIR. */
function sameStep(description: string, createdBy: string): boolean {
  const run = RUN_RECORD.exec(description)
  if (run) {
    const step = /^RUN (.*?)(?: # buildkit)?$/s.exec(createdBy)?.[1]
    // Build arguments prefix the step ("|1 A=b /bin/sh -c …"), so compare the command's end.
    return step !== undefined && (step.endsWith(run[1]!) || run[1]!.endsWith(step))
  }
  if (FILE_RECORD.test(description)) return FILE_STEP.test(createdBy)
  return true // unknown wording: size and time decide
}

/** History entries matched to layers, as engine/layers.ts does, keeping the entry itself. */
function layersOf(image: ImageLayerFacts): Layer[] {
  const oldestFirst = [...image.history].reverse()
  let steps: (ImageHistoryFacts | undefined)[] = oldestFirst
  if (steps.length !== image.layers.length) {
    steps = oldestFirst.filter(
      (h) => (h.Size ?? 0) > 0 || !CONFIG_ONLY_STEP.test(h.CreatedBy ?? ''),
    )
    if (steps.length !== image.layers.length) {
      const sized = oldestFirst.filter((h) => (h.Size ?? 0) > 0)
      // Only sizes can be told apart; drop the rest rather than pair them wrongly.
      steps = image.layers.map((layer, i) => (sized[i]?.Size === layer.size ? sized[i] : undefined))
    }
  }
  return image.layers.map((layer, i) => ({
    chainId: layer.chainId,
    size: layer.size,
    step: steps[i],
  }))
}

/** Nanoseconds since the epoch, or null; "…:47.2846772Z" and "…:47.284677200Z" are equal. */
export function timeNs(text: string): bigint | null {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(text)
  if (!match) return null
  const ms = Date.parse(`${match[1]}${match[3]}`)
  if (Number.isNaN(ms)) return null
  return BigInt(ms) * 1_000_000n + BigInt((match[2] ?? '').padEnd(9, '0'))
}
