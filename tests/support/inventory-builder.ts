/** Small hand-made inventories for planner unit tests: layers by name, sizes in bytes. */
import { createHash } from 'node:crypto'
import type {
  ContainerRecord,
  ContainerState,
  ImageRecord,
  Inventory,
} from '../../src/core/engine/inventory'
import type { Selection, SelectionInput } from '../../src/shared/cleanup'
import { SelectionSchema } from '../../src/shared/cleanup'

export const hex = (seed: string) => createHash('sha256').update(seed).digest('hex')
export const imageId = (name: string) => `sha256:${hex(name)}`

export interface ImageShape {
  tags?: string[]
  digests?: string[]
  parent?: string
  /** Layer names bottom first; equal names are shared layers. */
  layers: [name: string, bytes: number][]
  createdDaysAgo?: number
  labels?: Record<string, string>
}

export const NOW = new Date('2026-06-01T00:00:00Z')

export function inventory(
  images: Record<string, ImageShape>,
  containers: { name: string; image: string; state: ContainerState; created?: number }[] = [],
): Inventory {
  const records: ImageRecord[] = Object.entries(images).map(([name, shape]) => {
    let chain = ''
    return {
      id: imageId(name),
      parentId: shape.parent ? imageId(shape.parent) : null,
      tags: shape.tags ?? [],
      digests: shape.digests ?? [],
      created: NOW.getTime() / 1000 - (shape.createdDaysAgo ?? 1) * 86_400,
      labels: shape.labels ?? {},
      size: shape.layers.reduce((sum, [, bytes]) => sum + bytes, 0),
      layers: shape.layers.map(([layer, size]) => {
        chain = chain ? `${chain}>${layer}` : layer
        return { diffId: `diff:${layer}`, chainId: `chain:${chain}`, size }
      }),
    }
  })
  const containerRecords: ContainerRecord[] = containers.map((c, index) => ({
    id: hex(`c${index}${c.name}`),
    name: c.name,
    state: c.state,
    imageId: imageId(c.image),
    imageRef: c.image,
    created: c.created ?? 0,
  }))
  return { images: records, containers: containerRecords }
}

export function selection(input: SelectionInput): Selection {
  return SelectionSchema.parse(input)
}
