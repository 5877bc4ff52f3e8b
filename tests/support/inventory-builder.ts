/** Small hand-made inventories for planner unit tests: layers by name, sizes in bytes. */
import { createHash } from 'node:crypto'
import type {
  ContainerRecord,
  ContainerState,
  ImageRecord,
  Inventory,
} from '../../src/core/engine/inventory'
import type { BuildCacheRecord } from '../../src/core/engine/kinds'
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
  containers: {
    name: string
    image: string
    state: ContainerState
    created?: number
    volumes?: string[]
    labels?: Record<string, string>
  }[] = [],
): Inventory {
  const records: ImageRecord[] = Object.entries(images).map(([name, shape]) => {
    let chain = ''
    return {
      id: imageId(name),
      parentId: shape.parent ? imageId(shape.parent) : null,
      tags: shape.tags ?? [],
      digests: shape.digests ?? [],
      created: NOW.getTime() / 1000 - (shape.createdDaysAgo ?? 1) * 86_400,
      createdAt: '',
      labels: shape.labels ?? {},
      size: shape.layers.reduce((sum, [, bytes]) => sum + bytes, 0),
      layers: shape.layers.map(([layer, size]) => {
        chain = chain ? `${chain}>${layer}` : layer
        return {
          diffId: `diff:${layer}`,
          chainId: `chain:${chain}`,
          size,
          step: '',
          buildkit: false,
          created: 0,
        }
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
    volumes: (c.volumes ?? []).map((name) => ({ name, destination: `/data/${name}` })),
    labels: c.labels ?? {},
  }))
  return { images: records, containers: containerRecords }
}

/** Adds volumes, build cache records and sizes to an inventory (what `/system/df` tells). */
export function withKinds(
  base: Inventory,
  kinds: {
    volumes?: {
      name: string
      bytes: number
      anonymous?: boolean
      labels?: Record<string, string>
    }[]
    containerBytes?: Record<string, number>
    buildCache?: (Partial<BuildCacheRecord> & { id: string; size: number })[]
  },
): Inventory {
  const byName = new Map(base.containers.map((c) => [c.name, c.id]))
  return {
    ...base,
    kinds: {
      volumes: (kinds.volumes ?? []).map((v) => ({
        name: v.name,
        driver: 'local',
        created: NOW.getTime() / 1000 - 86_400,
        labels: v.labels ?? {},
        anonymous: v.anonymous ?? false,
      })),
      buildCache: (kinds.buildCache ?? []).map((r) => ({
        parents: [],
        type: 'regular',
        description: `record ${r.id}`,
        inUse: false,
        shared: false,
        created: NOW.getTime() - 10 * 86_400_000,
        createdAt: '',
        lastUsed: NOW.getTime() - 5 * 86_400_000,
        usageCount: 1,
        ...r,
      })),
      containerSizes: new Map(
        Object.entries(kinds.containerBytes ?? {}).map(([name, bytes]) => [
          byName.get(name)!,
          bytes,
        ]),
      ),
      volumeSizes: new Map((kinds.volumes ?? []).map((v) => [v.name, v.bytes])),
      sizesAt: NOW,
    },
  }
}

export function selection(input: SelectionInput): Selection {
  return SelectionSchema.parse(input)
}
