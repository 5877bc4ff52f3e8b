/**
 * The ledger's rule for a build cache record whose own layer could not be told (one of several
 * candidates; docs/engine-rules.md §6): it is shared — kept, freeing nothing — only while every
 * candidate is still held by an image or container that stays. Held on any one, a base-image
 * record (Size 0, matching every layer at its depth) kept every record and hid every image's
 * bytes. Which layer a record holds is record-layers.ts's job, stubbed here to pin the rule.
 */
import { describe, expect, it, vi } from 'vitest'
import { DependencyGraph } from '../../src/core/planner/graph'
import { Holdings } from '../../src/core/planner/holdings'
import { inventory, withKinds } from '../support/inventory-builder'

vi.mock('../../src/core/planner/record-layers', () => ({
  recordLayers: () =>
    new Map([
      [
        'unsure',
        {
          chainId: null,
          confidence: 'none',
          why: 'two layers match',
          candidates: ['chain:base>a', 'chain:base>b'],
        },
      ],
      ['sure', { chainId: 'chain:base>a', confidence: 'exact', why: 'one layer matches' }],
    ]),
}))

function ledger() {
  const world = withKinds(
    inventory({
      a: {
        tags: ['a:1'],
        layers: [
          ['base', 1_000],
          ['a', 200],
        ],
      },
      b: {
        tags: ['b:1'],
        layers: [
          ['base', 1_000],
          ['b', 300],
        ],
      },
    }),
    {
      buildCache: [
        { id: 'unsure', size: 0 },
        { id: 'sure', size: 0 },
      ],
    },
  )
  const graph = new DependencyGraph(world)
  const id = (name: string) => world.images.find((image) => image.tags[0] === `${name}:1`)!.id
  return { holdings: new Holdings(world, graph), id }
}

describe('a build cache record whose layer is one of several candidates', () => {
  it('is shared while every candidate stays held', () => {
    const { holdings } = ledger()
    expect(holdings.heldByOthers('build-cache', 'unsure')).toBe(true)
    expect(holdings.heldByOthers('build-cache', 'sure')).toBe(true)
  })

  it('is not shared once one candidate is released, whichever it is', () => {
    for (const gone of ['a', 'b']) {
      const { holdings, id } = ledger()
      holdings.release('image', id(gone))
      expect(holdings.heldByOthers('build-cache', 'unsure')).toBe(false)
    }
  })

  it('while a record whose layer is known follows that layer alone', () => {
    const keptA = ledger()
    keptA.holdings.release('image', keptA.id('b'))
    expect(keptA.holdings.heldByOthers('build-cache', 'sure')).toBe(true)
    const goneA = ledger()
    goneA.holdings.release('image', goneA.id('a'))
    expect(goneA.holdings.heldByOthers('build-cache', 'sure')).toBe(false)
  })

  it('the images it may hold free nothing alone: the record holds both candidate chains', () => {
    const { holdings, id } = ledger()
    expect(holdings.release('image', id('a'))).toBe(0)
    expect(holdings.release('image', id('b'))).toBe(0)
    // Then the records: the unsure one frees what it alone still holds (b's layer), the other
    // the rest (the base and a's layer); together everything the images held.
    expect(holdings.release('build-cache', 'unsure')).toBe(300)
    expect(holdings.release('build-cache', 'sure')).toBe(1_200)
  })
})
