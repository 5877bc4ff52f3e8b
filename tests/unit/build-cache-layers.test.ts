/**
 * Which image layer each BuildKit cache record holds (src/core/planner/build-cache-layers.ts), on
 * answers recorded from Engine 20.10 (tests/fixtures/buildkit/*.json, see their `captured` line),
 * and the bytes it implies against what the engine really freed (world.json `steps`).
 */
import { describe, expect, it } from 'vitest'
import { chainIds, layerSizes } from '../../src/core/engine/layers'
import {
  layersHeldByRecords,
  timeNs,
  type ImageLayerFacts,
  type RecordLayer,
} from '../../src/core/planner/build-cache-layers'
import { readCaptured, type Captured } from '../support/buildkit-captures'

interface CapturedWithSteps extends Captured {
  steps?: Step[]
}

interface Step {
  step: string
  delete: ({ image: string } | { record: string } | { recordType: string })[]
  apparentShrink: number
  hardLinkBytes?: number
  spaceReclaimed?: number
}

function load(name: string) {
  const { captured, records } = readCaptured<CapturedWithSteps>(name)
  const images: ImageLayerFacts[] = captured.Images.map((i) => {
    const chains = chainIds(i.Layers)
    const sizes = layerSizes(i.Layers, i.History)
    return {
      id: i.Id,
      created: i.Created,
      layers: i.Layers.map((diffId, at) => ({ diffId, chainId: chains[at]!, size: sizes[at]! })),
      history: i.History,
    }
  })
  /** "tag#n": the n-th layer (from 1) of the image with that tag. */
  const layer = (name: string) => {
    const [tag, n] = name.split('#')
    const image = captured.Images.find((i) => i.RepoTags?.includes(`drydock-test/${tag}`))
    if (!image) throw new Error(`no image ${tag}`)
    return chainIds(image.Layers)[Number(n) - 1]!
  }
  const record = (description: RegExp, size?: number) => {
    const found = records.filter(
      (r) => description.test(r.description) && (size === undefined || r.size === size),
    )
    if (found.length === 0) throw new Error(`no record ${description}`)
    return found
  }
  return { captured, records, images, layer, record, held: layersHeldByRecords(records, images) }
}

const world = load('world.json')

function heldBy(held: Map<string, RecordLayer>, id: string): RecordLayer {
  const found = held.get(id)
  if (!found) throw new Error(`no answer for ${id}`)
  return found
}

describe('which layer each BuildKit cache record holds', () => {
  it('maps every record of a freshly built world, each regular one exactly', () => {
    const { records, held, layer } = world
    expect(held.size).toBe(records.length)
    const expected: Record<string, string> = {
      // RUN apt-get install jq on the base, and the "from local" record of that same layer made
      // when the apps were built FROM bk-tools: two records hold one layer.
      '3sbdot13rseb7sxkspkhfhkow': 'bk-tools:1#2',
      rmvnjta1rgbjaxa6t50fpsgh8: 'bk-tools:1#2',
      // The base layer, shared by every image.
      uoltgv6nhsp420wfzy2xk7ofj: 'bookworm:base#1',
      t4i4p0zmkwfnxhtzwlz4ulk58: 'bk-app:1#3', // COPY src/
      ptft9z5fhqxskl0cbnddumvt4: 'bk-app:1#4', // RUN jq …
      oh8h4dd6iwryye8yyxof11zil: 'bk-app:2#3',
      zrgqkchbp57cvj8ne2szm1f2b: 'bk-app:2#4',
      wu3khilvvebtxi52ehoeh5dxp: 'bk-app:3#3',
      pduovjqsvd77ib3kiau503hi3: 'bk-app:3#4',
      x03gblja08ktkxnh8h342s08j: 'bk-other:1#2', // COPY data/ on the base
      '0q54kf21cjjn5yh2mni04ibmf': 'bk-cache:1#2', // RUN --mount=type=cache
      ng2q5mt8wik7rjtizkpwm3ouw: 'bk-multi:1#2', // WORKDIR (an empty layer)
      '2a998crn6hgziynhh323ihyrc': 'bk-multi:1#3', // COPY --from=builder
    }
    for (const [id, name] of Object.entries(expected)) {
      expect(heldBy(held, id), `${id} → ${name}`).toMatchObject({
        chainId: layer(name),
        confidence: 'exact',
      })
    }
    const regularShared = records.filter((r) => r.type === 'regular' && r.shared)
    expect(regularShared.map((r) => r.id).sort()).toEqual(Object.keys(expected).sort())
  })

  it('tells three rebuilds of one app apart although their records have equal sizes', () => {
    const { record, held, layer } = world
    const copies = record(/^fileop target$/, 200002)
    const runs = record(/^mount \/ from exec \/bin\/sh -c jq/)
    expect(copies).toHaveLength(3)
    expect(new Set(runs.map((r) => r.size))).toEqual(new Set([200247]))
    expect(new Set(copies.map((r) => heldBy(held, r.id).chainId))).toEqual(
      new Set(['bk-app:1#3', 'bk-app:2#3', 'bk-app:3#3'].map(layer)),
    )
    // Without the images' creation times, size, time (all in one second) and step cannot.
    const untimed = world.images.map((image) => ({ ...image, created: '' }))
    const guessed = layersHeldByRecords(world.records, untimed)
    for (const run of runs) {
      expect(heldBy(guessed, run.id)).toMatchObject({ chainId: null, confidence: 'none' })
      expect(heldBy(guessed, run.id).candidates).toHaveLength(3)
    }
  })

  it('says build contexts, cache mounts and a builder stage hold no image layer', () => {
    const { records, held } = world
    for (const r of records.filter((r) => r.type !== 'regular')) {
      expect(heldBy(held, r.id)).toMatchObject({ chainId: null, confidence: 'exact' })
    }
    expect(records.filter((r) => r.type === 'source.local').length).toBeGreaterThan(2)
    const [cacheMount] = records.filter((r) => r.type === 'exec.cachemount')
    expect(cacheMount).toMatchObject({ size: 400000, shared: false })
    // The first stage's RUN: regular, but in no image (Shared false), so it holds only itself.
    expect(heldBy(held, '3waqpsqfo77sxdkst2p0w3mw6')).toMatchObject({
      chainId: null,
      confidence: 'exact',
      why: expect.stringMatching(/no image holds/),
    })
  })

  it('a record whose image was deleted: its own bytes, or the layer another image still holds', () => {
    const { held, layer, record } = load('images-deleted.json')
    // bk-other:1 is gone: its COPY record is no longer shared and frees its own size.
    const [copy] = record(/^fileop target$/, 300000)
    expect(copy!.shared).toBe(false)
    expect(heldBy(held, copy!.id)).toMatchObject({ chainId: null, confidence: 'exact' })
    // bk-tools:1 is gone, but the apps built on it hold its jq layer, so its RUN record is still
    // shared; no image's time names it any more, its size, time and step do.
    const [aptGet] = record(/apt-get install -y --no-install-recommends jq/)
    expect(heldBy(held, aptGet!.id)).toMatchObject({
      chainId: layer('bk-app:2#2'),
      confidence: 'inferred',
    })
  })

  it('a deleted base image: its "from local" record holds the layer and reports Size 0', () => {
    const { held, record } = load('orphan-base.json')
    const orphans = record(/^from local/).filter((r) => !r.shared)
    expect(orphans).toHaveLength(1)
    expect(orphans[0]!.size).toBe(0)
    expect(heldBy(held, orphans[0]!.id)).toMatchObject({
      chainId: null,
      confidence: 'exact',
      why: expect.stringMatching(/image that is gone/),
    })
  })
})

describe('what deleting images and records frees (measured on Engine 20.10)', () => {
  /** Holders release layers (by chain ID, each with every layer under it) or their own data. */
  function ledger(withRecords: boolean) {
    const { images, records, held } = world
    const sizes = new Map<string, number>()
    const below = new Map<string, string[]>()
    for (const image of images)
      image.layers.forEach((l, at) => {
        sizes.set(l.chainId, l.size)
        below.set(
          l.chainId,
          image.layers.slice(0, at + 1).map((x) => x.chainId),
        )
      })
    const holds = new Map<string, string[]>()
    const count = new Map<string, number>()
    const hold = (key: string, units: string[]) => {
      holds.set(key, units)
      for (const unit of units) count.set(unit, (count.get(unit) ?? 0) + 1)
    }
    for (const image of images)
      hold(
        image.id,
        image.layers.map((l) => l.chainId),
      )
    if (withRecords)
      for (const r of records) {
        const { chainId } = heldBy(held, r.id)
        if (chainId) hold(r.id, below.get(chainId)!)
        else {
          sizes.set(`own:${r.id}`, r.size)
          hold(r.id, [`own:${r.id}`])
        }
      }
    return (key: string) => {
      let freed = 0
      for (const unit of holds.get(key) ?? []) {
        const left = count.get(unit)! - 1
        count.set(unit, left)
        if (left === 0) freed += sizes.get(unit) ?? 0
      }
      holds.delete(key)
      return freed
    }
  }

  function keysOf(step: Step): string[] {
    return step.delete.flatMap((target) => {
      if ('image' in target)
        return world.images
          .filter((i) =>
            world.captured.Images.find((c) => c.Id === i.id)?.RepoTags?.includes(target.image),
          )
          .map((i) => i.id)
      if ('record' in target) return [target.record]
      return world.records
        .filter((r) => target.recordType === '*' || r.type === target.recordType)
        .map((r) => r.id)
    })
  }

  const steps = world.captured.steps!
  const mapped = ledger(true)
  const naive = ledger(false)
  const predictions = steps.map((step) => {
    const keys = keysOf(step)
    return {
      step,
      mapped: keys.reduce((sum, key) => sum + mapped(key), 0),
      naive: keys.reduce((sum, key) => sum + naive(key), 0),
    }
  })

  it.each(predictions.map((p) => [p.step.step, p] as const))(
    '%s: the mapping predicts the engine’s shrink',
    (_, { step, mapped }) => {
      // The walk counts a hard-linked file once per path, the layer's size once. Beyond that,
      // each layer has some metadata: a few hundred bytes (link, lower, layerdb files), 0.3%
      // for the base rootfs's tar-split.
      const shrink = step.apparentShrink - (step.hardLinkBytes ?? 0)
      expect(Math.abs(shrink - mapped)).toBeLessThanOrEqual(Math.max(4096, shrink * 0.01))
    },
  )

  it('ignoring the records over-predicts every image deletion of BuildKit-held layers', () => {
    const images = predictions.filter((p) => p.step.delete.some((t) => 'image' in t))
    const naiveTotal = images.reduce((sum, p) => sum + p.naive, 0)
    const measured = images.reduce((sum, p) => sum + p.step.apparentShrink, 0)
    expect(naiveTotal).toBeGreaterThan(119_000_000)
    expect(measured).toBeLessThan(12_000)
  })

  it('SpaceReclaimed from /build/prune is each record’s Size, not what was freed', () => {
    const reported = (id: string) => steps.find((s) => s.step === id)!
    // A record whose layer another record still held: reported 2 MB, freed nothing.
    expect(reported('S8f')).toMatchObject({ spaceReclaimed: 2063145, apparentShrink: 0 })
    // The last holder, a "from local" record: reported 0, freed the 2 MB layer.
    expect(reported('S8g')).toMatchObject({ spaceReclaimed: 0 })
    expect(reported('S8g').apparentShrink).toBeGreaterThan(2_000_000)
    // All that was left, the base image's layer included: reported 146 bytes.
    expect(reported('S9b')).toMatchObject({ spaceReclaimed: 146 })
    expect(reported('S9b').apparentShrink).toBeGreaterThan(116_000_000)
  })
})

describe('timeNs', () => {
  it('compares RFC 3339 times to the nanosecond, whatever the trailing zeros', () => {
    expect(timeNs('2026-11-29T09:28:55.61740456Z')).toBe(timeNs('2026-11-29T09:28:55.617404560Z'))
    expect(
      timeNs('2026-11-29T09:28:55.617404561Z')! - timeNs('2026-11-29T09:28:55.61740456Z')!,
    ).toBe(1n)
    expect(timeNs('2026-11-29T10:28:55+01:00')).toBe(timeNs('2026-11-29T09:28:55Z'))
    expect(timeNs('yesterday')).toBeNull()
  })
})
