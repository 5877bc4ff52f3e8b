/**
 * Which image layer each BuildKit cache record holds (by chain ID), when it holds one. The
 * engine's API does not say; see build-cache-layers.ts for how it is told from what it does say.
 */
import type { BuildCacheRecord } from '../engine/kinds'
import type { DependencyGraph } from './graph'

export function recordLayers(
  _records: BuildCacheRecord[],
  _graph: DependencyGraph,
): Map<string, string> {
  return new Map()
}
