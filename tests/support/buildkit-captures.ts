/**
 * Answers recorded from Engine 20.10 with BuildKit's cache (tests/fixtures/buildkit/*.json, see
 * their `captured` line): the records as the planner takes them, and the images with their
 * layers and history.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { BuildCacheRecordFacts } from '../../src/core/planner/build-cache-layers'

export interface Captured {
  BuildCache: {
    ID: string
    Parent: string
    Type: string
    Description: string
    InUse: boolean
    Shared: boolean
    Size: number
    CreatedAt: string
    LastUsedAt: string | null
  }[]
  Images: {
    Id: string
    RepoTags: string[] | null
    Created: string
    Layers: string[]
    History: { Created: number; CreatedBy: string; Size: number; Comment: string }[]
  }[]
}

/** One captured world, and its records as the planner takes them. */
export function readCaptured<T extends Captured = Captured>(
  name: string,
): { captured: T; records: BuildCacheRecordFacts[] } {
  const captured = JSON.parse(
    readFileSync(join(__dirname, '../fixtures/buildkit', name), 'utf8'),
  ) as T
  const records = captured.BuildCache.map((r) => ({
    id: r.ID,
    parents: r.Parent ? [r.Parent] : [],
    type: r.Type,
    description: r.Description,
    inUse: r.InUse,
    shared: r.Shared,
    size: r.Size,
    createdAt: r.CreatedAt,
    lastUsedAt: r.LastUsedAt,
  }))
  return { captured, records }
}
