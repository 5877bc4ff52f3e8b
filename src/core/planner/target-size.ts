/**
 * `--target-size SIZE`: least recently used first, remove images and build cache records that
 * nothing holds until what Docker keeps of those two kinds is at or under SIZE (what docuum does
 * on servers, here with a preview). The same safety rules apply: only images a plain
 * `--unused` may remove (no container, not protected, children first), only records no build
 * uses and no staying image holds. The walk runs on the ledger, so every step counts what it
 * really frees, build cache holding image layers included.
 */
import type { Selection } from '../../shared/cleanup'
import type { BuildCacheRecord } from '../engine/kinds'
import type { DependencyGraph } from './graph'
import type { Holdings } from './holdings'
import type { LastUse } from './last-used'
import { decideBulk } from './policy'

export interface TargetWalk {
  images: Set<string>
  records: Set<string>
  target: { bytes: number; before: number; after: number; met: boolean; reason: string }
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)

export function walkToTarget(
  graph: DependencyGraph,
  records: BuildCacheRecord[],
  selection: Selection,
  now: Date,
  lastUse: (id: string) => LastUse,
  holdings: Holdings,
): TargetWalk {
  const target = selection.targetSize!
  const allowed = decideBulk(graph, { ...selection, unused: true, dangling: false }, now, lastUse)
  const children = new Map<string, string[]>()
  for (const record of records) {
    for (const parent of record.parents)
      children.set(parent, [...(children.get(parent) ?? []), record.id])
  }
  const candidates = [
    ...[...allowed]
      .filter(([, intent]) => intent.kind === 'delete')
      .map(([id]) => ({ kind: 'image' as const, id, at: lastUse(id).at })),
    ...records
      .filter((record) => !record.inUse && record.type !== 'frontend' && record.type !== 'internal')
      .map((record) => ({
        kind: 'build-cache' as const,
        id: record.id,
        at: record.lastUsed ?? record.created,
      })),
  ].sort((a, b) => a.at - b.at || a.id.localeCompare(b.id))

  const before = holdings.usage(['image', 'build-cache'])
  let usage = before
  const images = new Set<string>()
  const chosen = new Set<string>()
  let lastAt: number | null = null
  // A record goes after the records built on it; one deferred is tried again after each step.
  let waiting = candidates
  for (let progress = true; progress && usage > target;) {
    progress = false
    const deferred: typeof candidates = []
    for (const candidate of waiting) {
      if (usage <= target) break
      if (candidate.kind === 'build-cache') {
        const pending = (children.get(candidate.id) ?? []).some((child) => !chosen.has(child))
        if (pending || holdings.heldByOthers('build-cache', candidate.id)) {
          deferred.push(candidate)
          continue
        }
      }
      usage -= holdings.release(candidate.kind, candidate.id)
      chosen.add(candidate.id)
      if (candidate.kind === 'image') images.add(candidate.id)
      lastAt = candidate.at
      progress = true
    }
    waiting = deferred
  }
  const met = usage <= target
  const reason = met
    ? chosen.size === 0
      ? 'already at or under the target: nothing needs to go'
      : `target met after removing everything last used up to ${day(lastAt ?? now.getTime())}`
    : 'nothing more may go: what is left is in use, protected, or held by what stays'
  return {
    images,
    records: new Set([...chosen].filter((id) => !images.has(id))),
    target: { bytes: target, before, after: Math.max(0, usage), met, reason },
  }
}
