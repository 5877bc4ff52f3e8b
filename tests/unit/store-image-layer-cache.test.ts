import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { openDatabase } from '../../src/core/store/database'
import { ImageLayerCache, type CachedImageLayers } from '../../src/core/store/image-layer-cache'
import { tempDir } from '../support/temp-dir'

function sha(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`
}

function image(index: number, layerCount = 8): CachedImageLayers {
  return {
    imageId: sha(`image ${index}`),
    createdAt: '2025-01-01T00:00:00.123456789Z',
    layers: Array.from({ length: layerCount }, (_, layer) => ({
      diffId: sha(`diff ${index}/${layer}`),
      chainId: sha(`chain ${index}/${layer}`),
      size: 1_000_000 * layer + index,
      step: `RUN step ${layer}`,
      buildkit: layer % 2 === 0,
      created: 1_700_000_000 + layer,
    })),
  }
}

function openCache(path = join(tempDir(), 'drydock.sqlite')) {
  const opened = openDatabase(path)
  onTestFinished(() => opened.close())
  return { ...opened, cache: new ImageLayerCache(opened.db) }
}

function millis(work: () => void): number {
  const started = performance.now()
  work()
  return performance.now() - started
}

describe('ImageLayerCache', () => {
  it('stores and loads 2,000 images quickly', () => {
    const path = join(tempDir(), 'drydock.sqlite')
    const entries = Array.from({ length: 2000 }, (_, index) => image(index))
    const first = openCache(path)
    const putMs = millis(() => first.cache.putMany(entries))
    first.close()

    // A fresh connection, as on the next start: nothing is in SQLite's page cache.
    const { cache } = openCache(path)
    const ids = [...entries.map((entry) => entry.imageId), sha('never cached')]
    let found = new Map<string, CachedImageLayers>()
    const coldMs = millis(() => (found = cache.getMany(ids)))
    const warm = Array.from({ length: 5 }, () => millis(() => cache.getMany(ids))).sort(
      (a, b) => a - b,
    )
    const warmMs = warm[2] ?? Number.NaN

    expect(found.size).toBe(2000)
    expect(found.get(entries[1234]!.imageId)).toEqual(entries[1234])
    expect(entries.map((entry) => found.get(entry.imageId))).toEqual(entries)
    expect(found.has(sha('never cached'))).toBe(false)
    console.log(
      `image layer cache, 2,000 images x 8 layers: putMany ${putMs.toFixed(1)} ms, ` +
        `getMany cold ${coldMs.toFixed(1)} ms, warm median ${warmMs.toFixed(1)} ms`,
    )
    // Loose bound: catches a lookup that scans per id (seconds), not machine noise.
    expect(warmMs).toBeLessThan(250)
  })

  it('replaces an entry, keeps only the known fields, and handles empty input', () => {
    const { cache } = openCache()
    const original = image(1, 2)
    cache.putMany([original])
    const richer = {
      imageId: original.imageId,
      createdAt: 'x',
      layers: [
        {
          diffId: sha('x'),
          chainId: sha('y'),
          size: 5,
          step: '',
          buildkit: false,
          created: 0,
          mediaType: 'extra',
        },
      ],
    }
    cache.putMany([richer])
    expect(cache.getMany([original.imageId]).get(original.imageId)).toEqual({
      imageId: original.imageId,
      createdAt: 'x',
      layers: [
        { diffId: sha('x'), chainId: sha('y'), size: 5, step: '', buildkit: false, created: 0 },
      ],
    })
    cache.putMany([])
    expect(cache.getMany([]).size).toBe(0)
  })

  it('reads every row ahead with prefetch, in a small page cache, and gives the connection its own back', () => {
    const { cache, db } = openCache()
    const entries = Array.from({ length: 50 }, (_, index) => image(index, 3))
    cache.putMany(entries)
    db.pragma('cache_size = -4096')
    cache.prefetch()
    expect(db.pragma('cache_size', { simple: true })).toBe(-4096)
    const ids = entries.map((entry) => entry.imageId)
    expect(cache.getMany(ids)).toEqual(new Map(entries.map((entry) => [entry.imageId, entry])))
  })

  it("keeps a derived layer as such, and counts it as maybe BuildKit's", () => {
    const { cache } = openCache()
    const plain = image(1, 2)
    plain.layers = plain.layers.map((layer) => ({ ...layer, buildkit: false }))
    cache.putMany([plain])
    expect(cache.knowsBuildKit()).toBe(false)
    const derived = image(2, 2)
    derived.layers = derived.layers.map((layer, at) => ({
      ...layer,
      buildkit: false,
      ...(at === 1 ? { step: '', created: 0, derived: true as const } : {}),
    }))
    cache.putMany([derived])
    expect(cache.getMany([derived.imageId]).get(derived.imageId)!.layers[1]!.derived).toBe(true)
    expect(cache.getMany([plain.imageId]).get(plain.imageId)!.layers[1]).not.toHaveProperty(
      'derived',
    )
    expect(cache.knowsBuildKit()).toBe(true)
  })

  it('treats a damaged entry as a miss', () => {
    const { cache, db } = openCache()
    const entry = image(2)
    cache.putMany([entry, image(3)])
    db.prepare(`UPDATE image_layers SET layers_json = '{"not": "layers"}' WHERE image_id = ?`).run(
      entry.imageId,
    )
    const found = cache.getMany([entry.imageId, image(3).imageId])
    expect([...found.keys()]).toEqual([image(3).imageId])
  })
})
