/**
 * A cold read that asks for a history only where it tells something new (engine/history-reads.ts)
 * finds the same layers, to the byte, as one that asks for every history: on the private engine,
 * with a family of images that share their lower layers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchInventory, MemoryLayerCache, type Inventory } from '../../src/core/engine/inventory'
import type { RecordSlots } from '../../src/core/engine/history-reads'
import type { JsonGet } from '../../src/core/engine/json-get'
import { EngineConnection } from '../../src/core/engine/connection'
import { resolveHost } from '../../src/core/engine/host'
import { loadImages, type ImageSpec } from '../support/image-archive'
import {
  cleanupTestObjects,
  createTestRun,
  requireTestEngine,
  testRef,
} from '../support/test-engine'

const engine = await requireTestEngine()
const run = createTestRun('history-reads')

const file = (size: number, seed: number) => ({ files: { [`/f${seed}.bin`]: { size, seed } } })
const base = file(90_000, 0x4e01)
const mid = file(30_000, 0x4e02)
// Three images on base + mid, two on base alone, the base itself, and one with a layer of its
// own under the shared ones' top (no sibling tells its middle layer).
const family: ImageSpec[] = [
  ...[1, 2, 3].map((n) => ({
    tags: [testRef('history-reads', `mid-${n}`)],
    created: `2024-06-0${n}T00:00:00Z`,
    layers: [base, mid, file(1_000 * n, 0x4e10 + n)],
  })),
  ...[1, 2].map((n) => ({
    tags: [testRef('history-reads', `top-${n}`)],
    created: `2024-06-1${n}T00:00:00Z`,
    layers: [base, file(2_000 * n, 0x4e20 + n)],
  })),
  { tags: [testRef('history-reads', 'base')], created: '2024-06-20T00:00:00Z', layers: [base] },
  {
    tags: [testRef('history-reads', 'own')],
    created: '2024-06-21T00:00:00Z',
    layers: [base, file(4_000, 0x4e31), file(500, 0x4e32)],
  },
]

describe.skipIf(engine.skip)('a cold read with fewer histories', () => {
  let ids: string[] = []
  const connection = new EngineConnection(
    resolveHost({ explicit: engine.host, env: {}, platform: process.platform }),
  )

  beforeAll(async () => {
    ids = (await loadImages(engine.docker, family, run)).map((image) => image.id)
  })
  afterAll(async () => {
    connection.close()
    await cleanupTestObjects(engine.docker, run)
  })

  /** The family's images, read cold with these record slots (none: every history), and how many
   * of their histories that took. */
  async function readCold(
    slots?: RecordSlots,
  ): Promise<{ inventory: Inventory; histories: number }> {
    let histories = 0
    const get: JsonGet = (path) => {
      if (path.endsWith('/history') && ids.some((id) => path.includes(id.slice(7)))) histories += 1
      return connection.getJson!(path)
    }
    const inventory = await fetchInventory(connection.docker, () => new MemoryLayerCache(), {
      get,
      ...(slots ? { recordSlots: () => Promise.resolve(slots) } : {}),
    })
    return { inventory, histories }
  }

  const layersOf = (inventory: Inventory) =>
    new Map(
      inventory.images
        .filter((image) => ids.includes(image.id))
        .map((image) => [image.id, image.layers.map(({ chainId, size }) => ({ chainId, size }))]),
    )

  it('finds every layer and its size as the whole read does, with fewer histories', async () => {
    const whole = await readCold()
    const lean = await readCold({ holds: () => false })
    expect(whole.histories).toBe(family.length)
    expect(layersOf(lean.inventory)).toEqual(layersOf(whole.inventory))
    // One history for base+mid's three and one for `own` (its middle layer is its alone); the
    // two on the base alone and the base itself take their lower layers from those: 2 of 7.
    expect(lean.histories).toBe(2)
    const sizes = [...layersOf(lean.inventory).values()].flat().map((layer) => layer.size)
    expect(sizes.every((size) => size > 0)).toBe(true)
  })

  it('reads the history of each image whose top layer a BuildKit record could hold', async () => {
    const whole = await readCold()
    const mids = ids.slice(0, 3).map((id) => whole.inventory.images.find((i) => i.id === id)!)
    const topSizes = new Set(mids.map((image) => image.layers[2]!.size))
    const { inventory, histories } = await readCold({
      holds: (depth, size) => depth === 3 && topSizes.has(size),
    })
    // Their steps are the histories', not a derived layer's empty one: the matching compares them.
    for (const image of mids) {
      const layers = inventory.images.find((i) => i.id === image.id)!.layers
      expect(layers).toEqual(image.layers)
      expect(layers[2]).toMatchObject({ step: expect.stringMatching(/./) })
      expect(layers[2]!.derived).toBeUndefined()
    }
    // The three on base + mid, and `own`.
    expect(histories).toBe(4)
  })
})
