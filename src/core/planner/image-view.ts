/** The inventory as the Images page and `drydock images` show it. */
import { MAX_IMAGE_SHARERS, type ImageSharer, type ImageView } from '../../shared/images'
import type { DependencyGraph } from './graph'

/** When each image was last used, as the log knows it (see store/last-used). */
export interface UsageFacts {
  lastUsed(imageId: string): { at: number; source: ImageView['lastUsedSource'] }
  isProtected(imageId: string): boolean
}

/** Without a log: every image counts from its build time, nothing is protected. */
export function createdOnlyFacts(graph: DependencyGraph): UsageFacts {
  return {
    lastUsed: (id) => ({ at: (graph.images.get(id)?.created ?? 0) * 1000, source: 'created' }),
    isProtected: () => false,
  }
}

export function describeImages(
  graph: DependencyGraph,
  facts: UsageFacts = createdOnlyFacts(graph),
): ImageView[] {
  const sizes = graph.sizes()
  // How many images and containers hold each layer: a layer held once is this image's alone.
  const holders = new Map<string, number>()
  const hold = (chainIds: string[]) => {
    for (const chainId of chainIds) holders.set(chainId, (holders.get(chainId) ?? 0) + 1)
  }
  for (const id of graph.images.keys()) hold(graph.chainIdsOf(id))
  for (const container of graph.inventory.containers) hold(graph.chainIdsOf(container.imageId))

  return [...graph.images.values()].map((image) => {
    const chainIds = graph.chainIdsOf(image.id)
    const uniqueSize = chainIds
      .filter((chainId) => holders.get(chainId) === 1)
      .reduce((sum, chainId) => sum + (sizes.get(chainId) ?? 0), 0)
    return {
      id: image.id,
      tags: image.tags,
      digests: image.digests,
      created: new Date(image.created * 1000).toISOString(),
      parentId: image.parentId,
      labels: image.labels,
      size: image.size,
      uniqueSize,
      layerCount: image.layers.length,
      dangling: image.tags.length === 0 && graph.children(image.id).length === 0,
      children: graph.children(image.id),
      containers: graph
        .containers(image.id)
        .map((c) => ({ id: c.id, name: c.name, state: c.state })),
      lastUsed: new Date(facts.lastUsed(image.id).at).toISOString(),
      lastUsedSource: facts.lastUsed(image.id).source,
      protected: facts.isProtected(image.id),
    }
  })
}

/**
 * The images holding the most bytes of this image's layers, biggest first. A base layer can be
 * shared by thousands of images: only the biggest sharers are listed.
 */
export function sharersOf(graph: DependencyGraph, imageId: string): ImageSharer[] {
  const sizes = graph.sizes()
  return [...graph.sharedLayers(imageId)]
    .map(([id, shared]) => ({
      id,
      bytes: shared.reduce((sum, chainId) => sum + (sizes.get(chainId) ?? 0), 0),
    }))
    .sort((a, b) => b.bytes - a.bytes || (a.id < b.id ? -1 : 1))
    .slice(0, MAX_IMAGE_SHARERS)
}
