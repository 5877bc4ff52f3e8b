/**
 * A cold read that derives the layer facts a sibling's history already implies
 * (src/core/engine/history-reads.ts, facts-reads.ts `readFactsLean`): which histories it asks for,
 * what it derives, when it refuses to, and that BuildKit's record matching places every record of
 * the captured BuildKit worlds (tests/fixtures/buildkit) as it does with every history read.
 */
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
import { MemoryLayerCache, type ImageFacts, type Inventory } from '../../src/core/engine/inventory'
import type { JsonGet } from '../../src/core/engine/json-get'
import { layerFacts, mayBeBuildKit, type HistoryEntry } from '../../src/core/engine/layers'
import { recordSlots, type BuildCacheRecordFacts } from '../../src/core/planner/build-cache-layers'
import { DependencyGraph } from '../../src/core/planner/graph'
import { recordLayers } from '../../src/core/planner/record-layers'
import { readCaptured } from '../support/buildkit-captures'

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
function stubEngine(
  images: { id: string; history: HistoryEntry[]; inspected: InspectedImage }[],
  gone: { inspect?: string[]; history?: string[] } = {},
) {
  const asked: string[] = []
  const get: JsonGet = (path) => {
    asked.push(path)
    const [, id, what] = /^\/images\/([^/]+)\/(json|history)$/.exec(path)!
    const found = images.find((i) => i.id === decodeURIComponent(id!))
    const removed = (what === 'json' ? gone.inspect : gone.history) ?? []
    if (!found || removed.includes(found.id))
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

  it('leaves out an image removed between its inspect and its history, and reads its siblings', async () => {
    // a1 is the first history read and is gone by then: the others' lower layers stay unknown.
    const engine = stubEngine(family, { history: ['a1'] })
    const read = factsRead(engine.get)
    const found = await readFactsLean({} as Docker, listed, new Map(), async () => NO_RECORDS, read)
    expect(sizesOf(found)).toEqual({ a2: [100, 20, 5], a3: [100, 20, 8] })
    expect(engine.histories()).toBe(3)
    expect(read.progress.done).toBe(3)
  })

  it('leaves out an image removed before its inspect', async () => {
    const engine = stubEngine(family, { inspect: ['a2'] })
    const found = await readFactsLean({} as Docker, listed, new Map(), async () => NO_RECORDS, {
      ...factsRead(engine.get),
    })
    expect(sizesOf(found)).toEqual({ a1: [100, 20, 3], a3: [100, 20, 8] })
  })

  it('checks the sums on one history when the cache knows every lower chain', async () => {
    const engine = stubEngine(family)
    const cached = new Map([['a1', family[0]!.facts]])
    const found = await readFactsLean(
      {} as Docker,
      listed.slice(1),
      cached,
      async () => NO_RECORDS,
      factsRead(engine.get),
    )
    expect(engine.histories()).toBe(1)
    expect(sizesOf(found)).toEqual({ a2: [100, 20, 5], a3: [100, 20, 8] })
  })

  it('derives nothing from a history paired with its layers by sizes alone', async () => {
    // Four history entries for three layers, one of them an unrecognised zero-size step: only
    // the sizes pair them, so a sibling's lower sizes are not taken from it.
    const odd = family.map((i) => ({
      ...i,
      history: [i.history[0]!, { CreatedBy: 'custom tool', Size: 0 }, ...i.history.slice(1)],
    }))
    const engine = stubEngine(odd)
    await readFactsLean({} as Docker, listed, new Map(), async () => NO_RECORDS, {
      ...factsRead(engine.get),
    })
    expect(engine.histories()).toBe(3)
  })

  it("marks a derived layer as maybe BuildKit's, and keeps the mark in the log", async () => {
    const engine = stubEngine(family)
    const read = factsRead(engine.get)
    const found = await readFactsLean({} as Docker, listed, new Map(), async () => NO_RECORDS, read)
    const derived = [...found.values()].flatMap((f) => f.layers).filter((l) => l.derived)
    expect(derived).toHaveLength(2)
    expect(derived.every(mayBeBuildKit)).toBe(true)
    expect(read.cache.knowsBuildKit?.()).toBe(true)
  })
})

/** Which layer each record holds, through the planner's own adapter (planner/record-layers.ts),
 * for images with these facts, in this order. */
function placedBy(records: BuildCacheRecordFacts[], images: [string, ImageFacts][]) {
  const inventory: Inventory = {
    images: images.map(([id, facts]) => ({
      id,
      parentId: null,
      tags: [],
      digests: [],
      created: 0,
      createdAt: facts.createdAt,
      labels: {},
      size: facts.layers.reduce((sum, layer) => sum + layer.size, 0),
      layers: facts.layers,
    })),
    containers: [],
  }
  return recordLayers(
    records.map((r) => ({
      ...r,
      created: Date.parse(r.createdAt),
      lastUsed: r.lastUsedAt === null ? null : Date.parse(r.lastUsedAt),
      usageCount: 0,
    })),
    new DependencyGraph(inventory),
  )
}

function loadCaptured(name: string) {
  const { captured, records } = readCaptured(name)
  const whole = new Map(
    captured.Images.map((i) => [
      i.Id,
      { createdAt: i.Created, layers: layerFacts(i.Layers, i.History) },
    ]),
  )
  // What the engine lists as Size: the sum of the layers' diff sizes (engine/history-reads.test.ts
  // checks it on the private engine).
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
  /** A cold read with these records, and how many histories it asked for. */
  const readLean = async (held: BuildCacheRecordFacts[]) => {
    asked.length = 0
    const facts = await readFactsLean(
      {} as Docker,
      listed,
      new Map(),
      async () => recordSlots(held),
      factsRead(get),
    )
    return { facts, histories: asked.filter((path) => path.endsWith('/history')).length }
  }
  // In the list's order either way: the first image to match a record names it in `why`.
  const placed = (held: BuildCacheRecordFacts[], facts: Map<string, ImageFacts>) =>
    placedBy(
      held,
      captured.Images.map((i) => [i.Id, facts.get(i.Id)!]),
    )
  return { captured, records, whole, readLean, placed }
}

const HISTORIES: Record<string, number> = {
  'world.json': 6,
  'images-deleted.json': 4,
  'orphan-base.json': 3,
}

describe('a cold read on the captured BuildKit worlds', () => {
  for (const name of Object.keys(HISTORIES)) {
    it(`places every record of ${name} as with every history read`, async () => {
      const { records, whole, readLean, placed } = loadCaptured(name)
      const lean = await readLean(records)
      expect(placed(records, lean.facts)).toEqual(placed(records, whole))
      // Every image BuildKit built on top of another keeps its history (a record holds its top
      // layer); the images whose every layer a child's history told (the base, bk-tools, tools)
      // go without, their sums checked.
      expect(lean.histories).toBe(HISTORIES[name])
    })
  }

  it("still reads the records, and places the rest, once BuildKit dropped the top layers' records", async () => {
    const { captured, records, whole, readLean, placed } = loadCaptured('world.json')
    // BuildKit's own collection removed the records of the apps' top layers: their images are
    // derived now, but the records left (the base's, the tools') still hold layers.
    const tops = new Set(captured.Images.map((i) => whole.get(i.Id)!.layers.at(-1)!.chainId))
    const held = placed(records, whole)
    const left = records.filter((r) => !tops.has(held.get(r.id)?.chainId ?? ''))
    expect(left.length).toBeGreaterThan(0)
    expect(left.length).toBeLessThan(records.length)
    const lean = await readLean(left)
    expect(lean.histories).toBeLessThan(HISTORIES['world.json']!)
    const images = [...lean.facts.values()]
    // The plan would still read the records (kinds-reader.ts hasBuildKitImages).
    expect(images.some((f) => f.layers.some(mayBeBuildKit))).toBe(true)
    expect(placed(left, lean.facts)).toEqual(placed(left, whole))
  })
})

describe('the record matching, on a derived layer', () => {
  it('matches a record to a layer whose step and time are unknown by its size', () => {
    const records: BuildCacheRecordFacts[] = [
      {
        id: 'base',
        parents: [],
        type: 'regular',
        description: 'from local',
        inUse: false,
        shared: true,
        size: 0,
        createdAt: '2024-01-01T00:00:00Z',
        lastUsedAt: null,
      },
      {
        id: 'run',
        parents: ['base'],
        type: 'regular',
        description: 'mount / from exec /bin/sh -c make',
        inUse: false,
        shared: true,
        size: 7_000,
        createdAt: '2024-02-01T00:00:00.5Z',
        lastUsedAt: null,
      },
    ]
    const facts: ImageFacts = {
      createdAt: '2024-03-01T00:00:00Z',
      layers: [
        ...layerFacts(['base'], [{ CreatedBy: 'ADD rootfs', Size: 100, Created: 1_700_000_000 }]),
        {
          diffId: 'top',
          chainId: 'sha256:top',
          size: 7_000,
          step: '',
          buildkit: false,
          created: 0,
          derived: true,
        },
      ],
    }
    const held = placedBy(records, [['app', facts]])
    expect(held.get('run')).toMatchObject({ chainId: 'sha256:top', confidence: 'inferred' })
    // The same layer with an empty step of its own (a history that said nothing) is not matched.
    const said = { ...facts, layers: facts.layers.map(({ derived: _, ...layer }) => layer) }
    expect(placedBy(records, [['app', said]]).get('run')?.chainId).toBeNull()
  })
})
