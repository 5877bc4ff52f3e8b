/**
 * The dependency graph of an inventory: for each image, the containers that use it (running and
 * stopped), its child images, its references, and the layers it shares with other images.
 */
import type { ContainerRecord, ImageRecord, Inventory } from '../engine/inventory'

/** The engine's IsRunning(): paused and restarting containers count as running. */
export function isRunning(container: ContainerRecord): boolean {
  return (
    container.state === 'running' ||
    container.state === 'paused' ||
    container.state === 'restarting'
  )
}

export class DependencyGraph {
  readonly images: ReadonlyMap<string, ImageRecord>
  private readonly childrenOf = new Map<string, string[]>()
  private readonly containersOf = new Map<string, ContainerRecord[]>()
  private readonly layerSizes = new Map<string, number>()
  private layerOwners: Map<string, string[]> | null = null

  constructor(readonly inventory: Inventory) {
    this.images = new Map(inventory.images.map((image) => [image.id, image]))
    for (const image of inventory.images) {
      if (image.parentId && this.images.has(image.parentId)) {
        const siblings = this.childrenOf.get(image.parentId) ?? []
        siblings.push(image.id)
        this.childrenOf.set(image.parentId, siblings)
      }
      for (const layer of image.layers) this.layerSizes.set(layer.chainId, layer.size)
    }
    for (const container of inventory.containers) {
      const users = this.containersOf.get(container.imageId) ?? []
      users.push(container)
      this.containersOf.set(container.imageId, users)
    }
  }

  children(imageId: string): string[] {
    return this.childrenOf.get(imageId) ?? []
  }

  containers(imageId: string): ContainerRecord[] {
    return this.containersOf.get(imageId) ?? []
  }

  references(imageId: string): string[] {
    const image = this.images.get(imageId)
    return image ? [...image.tags, ...image.digests] : []
  }

  /** Bytes of each layer by chain ID. */
  sizes(): ReadonlyMap<string, number> {
    return this.layerSizes
  }

  chainIdsOf(imageId: string): string[] {
    return this.images.get(imageId)?.layers.map((layer) => layer.chainId) ?? []
  }

  /** Other images holding each of this image's layers: image ID → shared chain IDs. */
  sharedLayers(imageId: string): Map<string, string[]> {
    if (!this.layerOwners) {
      this.layerOwners = new Map()
      for (const image of this.images.values()) {
        for (const layer of image.layers) {
          const owners = this.layerOwners.get(layer.chainId) ?? []
          owners.push(image.id)
          this.layerOwners.set(layer.chainId, owners)
        }
      }
    }
    const shared = new Map<string, string[]>()
    for (const chainId of this.chainIdsOf(imageId)) {
      for (const owner of this.layerOwners.get(chainId) ?? []) {
        if (owner === imageId) continue
        shared.set(owner, [...(shared.get(owner) ?? []), chainId])
      }
    }
    return shared
  }

  /** Images ordered so that every child comes before its parent (the order deletions need). */
  childrenFirst(imageIds: Iterable<string>): string[] {
    const wanted = new Set(imageIds)
    const ordered: string[] = []
    const visited = new Set<string>()
    const visit = (id: string) => {
      if (visited.has(id)) return
      visited.add(id)
      for (const child of this.children(id)) if (wanted.has(child)) visit(child)
      ordered.push(id)
    }
    for (const id of wanted) visit(id)
    return ordered
  }
}
