/**
 * A cold read that derives the layer facts a sibling's history already implies
 * (src/core/engine/history-reads.ts, facts-reads.ts `readFactsLean`): which histories it asks for,
 * what it derives, when it refuses to, and that BuildKit's record matching places every record of
 * the captured BuildKit worlds (tests/fixtures/buildkit) as it does with every history read.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type Docker from 'dockerode'
import { describe, expect, it } from 'vitest'
import { readFactsLean, type FactsRead } from '../../src/core/engine/facts-reads'
import {
  deriveFacts,
  firstHistories,
  inspected,
  layersByChain,
  type InspectedImage,
} from '../../src/core/engine/history-reads'
import { MemoryLayerCache, type ImageFacts } from '../../src/core/engine/inventory'
import type { JsonGet } from '../../src/core/engine/json-get'
import { layerFacts, type HistoryEntry, type LayerFacts } from '../../src/core/engine/layers'
import {
  layersHeldByRecords,
  recordSlots,
  type BuildCacheRecordFacts,
  type ImageLayerFacts,
} from '../../src/core/planner/build-cache-layers'

const NO_RECORDS = { holds: () => false }

/** An image of `sizes.length` layers named by `names` (diff IDs), each step `RUN <name>`. */
function image(id: string, names: string[], sizes: number[]) {
  const history: HistoryEntry[] = names
    .map((name, at) => ({ CreatedBy: `RUN ${name}`, Size: sizes[at]!, Created: 1_700_000_000 }))
    .reverse()
  const total = sizes.reduce((sum, size) => sum + size, 0)
  return {
    id,
    history,
    inspected: inspected(id, total, '2024-01-01T00:00:00.000000001Z', names),
    facts: { createdAt: '2024-01-01T00:00:00.000000001Z', layers: layerFacts(names, history) },
  }
}

describe('which histories a cold read asks for', () => {
  const a1 = image('a1', ['base', 'mid', 'a1'], [100, 20, 3])
  const a2 = image('a2', ['base', 'mid', 'a2'], [100, 20, 5])
  const b1 = image('b1', ['base', 'b1'], [100, 7])
  const solo = image('solo', ['solo'], [42])
  const all = [a1, a2, b1, solo]

  it('asks for one history per lower chain it does not know, none for a one-layer image', () => {
    const first = firstHistories(
      all.map((i) => i.inspected),
      new Map(),
    )
    // a1's history tells b1's lower layer (the base) too.
    expect(first.map((i) => i.imageId)).toEqual(['a1'])
    // Known lower layers (from the log's cache) need no history at all.
    expect(
      firstHistories(
        all.map((i) => i.inspected),
        layersByChain([a1.facts]),
      ),
    ).toEqual([])
  })

  it('derives a top layer from the listed size, to the byte, without a step', () => {
    const known = layersByChain([a1.facts, b1.facts])
    const { derived, needHistory } = deriveFacts([a2.inspected, solo.inspected], known, NO_RECORDS)
    expect(needHistory).toEqual([])
    const sizes = (facts: ImageFacts | undefined) => facts?.layers.map((l) => [l.chainId, l.size])
    expect(sizes(derived.get('a2'))).toEqual(sizes(a2.facts))
    expect(sizes(derived.get('solo'))).toEqual(sizes(solo.facts))
    expect(derived.get('a2')!.layers[2]).toMatchObject({ step: '', buildkit: false, created: 0 })
    // The lower layers are the sibling's, steps and all.
    expect(derived.get('a2')!.layers.slice(0, 2)).toEqual(a1.facts.layers.slice(0, 2))
  })

  it('asks for the history where a record could hold the top layer, or the sums do not add up', () => {
    const known = layersByChain([a1.facts])
    const heldTop = { holds: (depth: number, size: number) => depth === 3 && size === 5 }
    expect(deriveFacts([a2.inspected], known, heldTop).needHistory).toEqual([a2.inspected])
    const smaller: InspectedImage = { ...a2.inspected, size: 110 } // under base + mid
    expect(deriveFacts([smaller], known, NO_RECORDS).needHistory).toEqual([smaller])
    // Every layer known, yet another total: the image's history says what it is.
    const other: InspectedImage = { ...a1.inspected, imageId: 'a1-copy', size: 124 }
    expect(deriveFacts([other], known, NO_RECORDS).needHistory).toEqual([other])
  })
})

/** A stub engine's getter (no engine runs in unit tests): inspect and history answers by ID. */
function stubEngine(images: ReturnType<typeof image>[], gone: string[] = []) {
  const asked: string[] = []
  const get: JsonGet = (path) => {
    asked.push(path)
    const [, id, what] = /^\/images\/([^/]+)\/(json|history)$/.exec(path)!
    const found = images.find((i) => i.id === decodeURIComponent(id!))
    if (!found || (what === 'history' && gone.includes(found.id)))
      return Promise.reject(Object.assign(new Error('no such image'), { statusCode: 404 }))
    return Promise.resolve(
      what === 'json'
        ? { Created: found.inspected.createdAt, RootFS: { Layers: found.inspected.diffIds } }
        : found.history,
    )
  }
  return { get, histories: () => asked.filter((path) => path.endsWith('/history')).length }
}

function factsRead(get: JsonGet): FactsRead {
  return {
    cache: new MemoryLayerCache(),
    get,
    pipelined: true,
    seen: () => undefined,
    progress: { done: 0, total: 0 },
  }
}

describe('readFactsLean (stub engine)', () => {
  const family = [
    image('a1', ['base', 'mid', 'a1'], [100, 20, 3]),
    image('a2', ['base', 'mid', 'a2'], [100, 20, 5]),
    image('a3', ['base', 'mid', 'a3'], [100, 20, 8]),
  ]
  const listed = family.map((i) => ({ Id: i.id, Size: i.inspected.size }))
  const sizesOf = (found: Map<string, ImageFacts>) =>
    Object.fromEntries([...found].map(([id, f]) => [id, f.layers.map((l) => l.size)]))

  it('reads one history for three siblings, and caches all three', async () => {
    const engine = stubEngine(family)
    const read = factsRead(engine.get)
    const found = await readFactsLean({} as Docker, listed, new Map(), async () => NO_RECORDS, read)
    expect(engine.histories()).toBe(1)
    expect(sizesOf(found)).toEqual({ a1: [100, 20, 3], a2: [100, 20, 5], a3: [100, 20, 8] })
    expect(read.cache.getMany(['a1', 'a2', 'a3']).size).toBe(3)
  })

  it('reads every history when the records are not known, or a listed size disagrees', async () => {
    const unknown = stubEngine(family)
    await readFactsLean({} as Docker, listed, new Map(), async () => null, factsRead(unknown.get))
    expect(unknown.histories()).toBe(3)
    const failing = stubEngine(family)
    await readFactsLean(
      {} as Docker,
      listed,
      new Map(),
      () => Promise.reject(new Error('BuildKit did not answer')),
      factsRead(failing.get),
    )
    expect(failing.histories()).toBe(3)

    // The first history's sizes do not add up to its listed Size (another store's notion).
    const other = stubEngine(family)
    const off = listed.map((entry) => ({ ...entry, Size: entry.Size + 1 }))
    const found = await readFactsLean({} as Docker, off, new Map(), async () => NO_RECORDS, {
      ...factsRead(other.get),
    })
    expect(other.histories()).toBe(3)
    expect(sizesOf(found)).toEqual({ a1: [100, 20, 3], a2: [100, 20, 5], a3: [100, 20, 8] })
  })

  it('leaves out an image removed between its inspect and its history', async () => {
    const engine = stubEngine(family, ['a1'])
    const found = await readFactsLean(
      {} as Docker,
      listed,
      new Map(),
      async () => ({ holds: () => true }),
      factsRead(engine.get),
    )
    expect([...found.keys()].sort()).toEqual(['a2', 'a3'])
  })
})

interface Captured {
  BuildCache: {
    ID: string
    Parent: string
    Type: string
    Description: string
    InUse: boolean
    Shared: boolean
    Size: number
    CreatedAt: string
    LastUsedAt: string | null
  }[]
  Images: { Id: string; Created: string; Layers: string[]; History: HistoryEntry[] }[]
}

/** The matcher's view of an image, as planner/record-layers.ts builds it from layer facts. */
function matcherImage(id: string, facts: ImageFacts): ImageLayerFacts {
  return {
    id,
    created: facts.createdAt,
    layers: facts.layers,
    history: [...facts.layers].reverse().map((layer: LayerFacts) => ({
      CreatedBy: layer.step,
      Size: layer.size,
      Created: layer.created,
      ...(layer.buildkit ? { Comment: 'buildkit.dockerfile.v0' } : {}),
    })),
  }
}

const HISTORIES: Record<string, number> = {
  'world.json': 6,
  'images-deleted.json': 4,
  'orphan-base.json': 3,
}

describe('a cold read on the captured BuildKit worlds', () => {
  for (const name of ['world.json', 'images-deleted.json', 'orphan-base.json']) {
    it(`places every record of ${name} as with every history read`, async () => {
      const captured = JSON.parse(
        readFileSync(join(__dirname, '../fixtures/buildkit', name), 'utf8'),
      ) as Captured
      const records: BuildCacheRecordFacts[] = captured.BuildCache.map((r) => ({
        id: r.ID,
        parents: r.Parent ? [r.Parent] : [],
        type: r.Type,
        description: r.Description,
        inUse: r.InUse,
        shared: r.Shared,
        size: r.Size,
        createdAt: r.CreatedAt,
        lastUsedAt: r.LastUsedAt,
      }))
      const whole = new Map(
        captured.Images.map((i) => [
          i.Id,
          { createdAt: i.Created, layers: layerFacts(i.Layers, i.History) },
        ]),
      )
      // What the engine lists as Size: the sum of the layers' diff sizes.
      const listed = captured.Images.map((i) => ({
        Id: i.Id,
        Size: whole.get(i.Id)!.layers.reduce((sum, layer) => sum + layer.size, 0),
      }))
      const asked: string[] = []
      const get: JsonGet = (path) => {
        asked.push(path)
        const [, id, what] = /^\/images\/([^/]+)\/(json|history)$/.exec(path)!
        const found = captured.Images.find((i) => i.Id === decodeURIComponent(id!))!
        return Promise.resolve(
          what === 'json'
            ? { Created: found.Created, RootFS: { Layers: found.Layers } }
            : found.History,
        )
      }
      const lean = await readFactsLean(
        {} as Docker,
        listed,
        new Map(),
        async () => recordSlots(records),
        factsRead(get),
      )
      // In the list's order either way: the first image to match a record names it in `why`.
      const held = (facts: Map<string, ImageFacts>) =>
        layersHeldByRecords(
          records,
          captured.Images.map((i) => matcherImage(i.Id, facts.get(i.Id)!)),
        )
      expect(held(lean)).toEqual(held(whole))
      const histories = asked.filter((path) => path.endsWith('/history')).length
      // Every image BuildKit built on top of another keeps its history (a record holds its top
      // layer); the images whose every layer a child's history told (the base, bk-tools, tools)
      // go without, their sums checked.
      expect(histories).toBe(HISTORIES[name])
    })
  }
})
