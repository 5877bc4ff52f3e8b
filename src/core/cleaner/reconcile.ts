/**
 * After a crash: items a run had started but never recorded are settled from what the engine
 * now holds, so the log says exactly what was removed. Items the engine shows untouched keep no
 * outcome (not reached).
 */
import type { Inventory } from '../engine/inventory'
import type { RunJournal } from '../store'

const NOTE = 'recorded after an interruption, from what the engine holds'

/** What the engine holds now, by kind; a kind it was not asked about is left unsettled. */
export interface Present {
  inventory: Inventory
  /** The engine's ID: runs of another engine at the same address are not settled from it. */
  engineId?: string
  volumes?: ReadonlySet<string>
  buildCache?: ReadonlySet<string>
}

/** How many items were settled, and how many wait for a kind this read did not include. */
export function reconcileInterruptedRuns(
  journal: RunJournal,
  engineHost: string,
  present: Present,
): { settled: number; waiting: number } {
  const images = new Map(present.inventory.images.map((image) => [image.id, image]))
  const containers = new Set(present.inventory.containers.map((c) => c.id))
  let settled = 0
  let waiting = 0
  for (const item of journal.uncertainItems(engineHost, present.engineId ?? null)) {
    const known =
      item.kind === 'image'
        ? true
        : item.kind === 'container'
          ? true
          : item.kind === 'volume'
            ? present.volumes !== undefined
            : present.buildCache !== undefined
    if (!known) {
      waiting += 1
      continue
    }
    const gone =
      item.kind === 'image'
        ? !images.has(item.id)
        : item.kind === 'container'
          ? !containers.has(item.id)
          : item.kind === 'volume'
            ? !present.volumes!.has(item.id)
            : !present.buildCache!.has(item.id)
    if (gone) {
      // The engine reports no bytes after the fact; the prediction is the best figure there is.
      journal.settleUncertainItem(item, {
        outcome: 'deleted',
        reclaimedBytes: item.predictedBytes,
        error: `${NOTE} (gone; bytes as predicted)`,
      })
      settled += 1
      continue
    }
    const image = images.get(item.id)
    if (image && item.tags.some((tag) => !image.tags.includes(tag))) {
      journal.settleUncertainItem(item, {
        outcome: 'untagged',
        reclaimedBytes: 0,
        error: `${NOTE} (references removed)`,
      })
      settled += 1
    }
  }
  return { settled, waiting }
}
