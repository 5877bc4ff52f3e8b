/** The Images page's "Shares most bytes with": which images hold an image's layers, and how many bytes. */
import { describe, expect, it } from 'vitest'
import { DependencyGraph } from '../../src/core/planner/graph'
import { sharersOf } from '../../src/core/planner/image-view'
import { MAX_IMAGE_SHARERS } from '../../src/shared/images'
import { imageId, inventory, type ImageShape } from '../support/inventory-builder'

const MB = 1_000_000

describe('sharersOf', () => {
  const graph = new DependencyGraph(
    inventory({
      base: { tags: ['chain/base:1'], layers: [['b', 8 * MB]] },
      mid: {
        parent: 'base',
        layers: [
          ['b', 8 * MB],
          ['m', 2 * MB],
        ],
      },
      leaf: {
        tags: ['chain/leaf:1'],
        parent: 'mid',
        layers: [
          ['b', 8 * MB],
          ['m', 2 * MB],
          ['l', 1 * MB],
        ],
      },
      sibling: {
        tags: ['chain/sibling:1'],
        layers: [
          ['b', 8 * MB],
          ['s', 4 * MB],
        ],
      },
      alone: { tags: ['solo/app:1'], layers: [['a', 5 * MB]] },
    }),
  )

  it('sums the shared layers per image, biggest first, ties by ID', () => {
    const [first, ...tied] = sharersOf(graph, imageId('leaf'))
    expect(first).toEqual({ id: imageId('mid'), bytes: 10 * MB })
    const sameSize = [imageId('base'), imageId('sibling')].sort()
    expect(tied).toEqual(sameSize.map((id) => ({ id, bytes: 8 * MB })))
  })

  it('is symmetric: what the leaf shares with the sibling, the sibling shares with the leaf', () => {
    const leafWithSibling = sharersOf(graph, imageId('leaf')).find(
      (sharer) => sharer.id === imageId('sibling'),
    )
    const siblingWithLeaf = sharersOf(graph, imageId('sibling')).find(
      (sharer) => sharer.id === imageId('leaf'),
    )
    expect(siblingWithLeaf?.bytes).toBe(leafWithSibling?.bytes)
  })

  it('is empty for an image none of whose layers another image holds', () => {
    expect(sharersOf(graph, imageId('alone'))).toEqual([])
  })

  it(`lists at most ${MAX_IMAGE_SHARERS}, the biggest, however many share a base layer`, () => {
    const shapes: Record<string, ImageShape> = { root: { tags: ['root:1'], layers: [['r', MB]] } }
    for (let i = 0; i < 30; i += 1) {
      shapes[`app${i}`] = {
        tags: [`app:${i}`],
        layers: [
          ['r', MB],
          // The first ten also share a second layer with the root's other child.
          [i < 10 ? 'shared' : `own${i}`, 3 * MB],
        ],
      }
    }
    const wide = new DependencyGraph(inventory(shapes))
    const sharers = sharersOf(wide, imageId('app0'))
    expect(sharers).toHaveLength(MAX_IMAGE_SHARERS)
    // app1–app9 hold both layers (4 MB), the rest only the root's (1 MB).
    expect(sharers.slice(0, 9).every((sharer) => sharer.bytes === 4 * MB)).toBe(true)
    expect(sharers.slice(9).every((sharer) => sharer.bytes === MB)).toBe(true)
  })
})
