/**
 * Which image layer each BuildKit cache record holds, for the ledger (holdings.ts): the API does
 * not say; build-cache-layers.ts tells it from what the API does say. This adapts the inventory
 * to that module's inputs.
 */
import type { BuildCacheRecord } from '../engine/kinds'
import { layersHeldByRecords, type RecordLayer } from './build-cache-layers'
import type { DependencyGraph } from './graph'

export function recordLayers(
  records: BuildCacheRecord[],
  graph: DependencyGraph,
): Map<string, RecordLayer> {
  const images = [...graph.images.values()]
    // Only BuildKit's images (or images used as a base, whose layers any record may hold) can
    // match; an image without an exact build time cannot anchor anything either way.
    .filter((image) => image.createdAt !== '')
    .map((image) => ({
      id: image.id,
      created: image.createdAt,
      layers: image.layers,
      // Newest first, one entry per layer: the steps were matched to layers when read. Built
      // when asked for: the matching needs it for a few images of thousands.
      get history() {
        return [...image.layers].reverse().map((layer) =>
          // A derived layer's step and time are unknown, not empty: the matching skips them.
          layer.derived
            ? { Size: layer.size }
            : {
                CreatedBy: layer.step,
                Size: layer.size,
                Created: layer.created,
                ...(layer.buildkit ? { Comment: 'buildkit.dockerfile.v0' } : {}),
              },
        )
      },
    }))
  return layersHeldByRecords(
    records.map((record) => ({
      id: record.id,
      parents: record.parents,
      type: record.type,
      description: record.description,
      inUse: record.inUse,
      shared: record.shared,
      size: record.size,
      createdAt: record.createdAt,
      lastUsedAt: record.lastUsed === null ? null : new Date(record.lastUsed).toISOString(),
    })),
    images,
  )
}
