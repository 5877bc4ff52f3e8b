/**
 * After a crash: items a run had started but never recorded are settled from what the engine
 * now holds, so the log says exactly what was removed. Items the engine shows untouched keep no
 * outcome (not reached).
 */
import type { Inventory } from '../engine/inventory'
import type { RunJournal } from '../store'

const NOTE = 'recorded after an interruption, from what the engine holds'

/** Returns how many items were settled. */
export function reconcileInterruptedRuns(
  journal: RunJournal,
  engineHost: string,
  inventory: Inventory,
): number {
  const present = new Map(inventory.images.map((image) => [image.id, image]))
  let settled = 0
  for (const item of journal.uncertainItems(engineHost)) {
    const image = present.get(item.imageId)
    if (!image) {
      // The engine reports no bytes after the fact; the prediction is the best figure there is.
      journal.settleUncertainItem(item, {
        outcome: 'deleted',
        reclaimedBytes: item.predictedBytes,
        error: `${NOTE} (image gone; bytes as predicted)`,
      })
      settled += 1
    } else if (item.tags.some((tag) => !image.tags.includes(tag))) {
      journal.settleUncertainItem(item, {
        outcome: 'untagged',
        reclaimedBytes: 0,
        error: `${NOTE} (references removed)`,
      })
      settled += 1
    }
  }
  return settled
}
