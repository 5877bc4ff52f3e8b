/**
 * Per-image layer facts: chain IDs (how the classic store names and shares layers) and the size
 * of each layer, matched from `/images/{id}/history` to `RootFS.Layers` of `/images/{id}/json`.
 */
import { createHash } from 'node:crypto'

export interface LayerFacts {
  diffId: string
  /** The layer's identity in the store: layers with equal chain IDs are one layer on disk. */
  chainId: string
  /** Bytes of this layer alone (its diff), as the engine's layer store reports them. */
  size: number
  /** The build step that made it (history `CreatedBy`), '' when unknown. */
  step: string
  /** Made by BuildKit (history `Comment` buildkit.dockerfile.v0): build cache may hold it too. */
  buildkit: boolean
  /** When the step ran (history `Created`, unix seconds); 0 when unknown. */
  created: number
  /** Its size was derived without its image's history (history-reads.ts): its step, time and
   * BuildKit mark are not known. */
  derived?: true
}

/** BuildKit may have made it: marked so by its history, or its history was never read. */
export function mayBeBuildKit(layer: Pick<LayerFacts, 'buildkit' | 'derived'>): boolean {
  return layer.buildkit || layer.derived === true
}

export interface HistoryEntry {
  CreatedBy?: string
  Size?: number
  Comment?: string
  Created?: number
}

/** chainID(L1) = diffID(L1); chainID(Ln) = sha256(chainID(Ln-1) + " " + diffID(Ln)). */
export function chainIds(diffIds: readonly string[]): string[] {
  const chain: string[] = []
  for (const diffId of diffIds) {
    const previous = chain[chain.length - 1]
    chain.push(
      previous === undefined
        ? diffId
        : `sha256:${createHash('sha256').update(`${previous} ${diffId}`).digest('hex')}`,
    )
  }
  return chain
}

/** Dockerfile steps that only change the config and never add a layer. */
const CONFIG_ONLY_STEP =
  /^(?:\/bin\/sh -c )?(?:#\(nop\)\s*)?(LABEL|ENV|CMD|ENTRYPOINT|EXPOSE|USER|VOLUME|ARG|ONBUILD|STOPSIGNAL|HEALTHCHECK|SHELL|MAINTAINER)\b/

/**
 * The API's history has one entry per config history step, newest first, with the layer's size
 * for steps that made a layer and 0 for config-only steps; it does not say which is which. Sizes
 * are assigned to layers in order: first by recognising config-only steps, and if that does not
 * account for every layer, by taking the non-zero entries (a zero-byte layer frees nothing, so
 * where it sits cannot change a byte count by more than its metadata).
 */
export function layerSizes(diffIds: readonly string[], history: readonly HistoryEntry[]): number[] {
  return layerSteps(diffIds, history).map((entry) => entry?.Size ?? 0)
}

/** Whether the history pairs with the layers one to one, with no guess (rules 1 and 2 below). */
export function pairsExactly(
  diffIds: readonly string[],
  history: readonly HistoryEntry[],
): boolean {
  return history.length === diffIds.length || history.filter(makesLayer).length === diffIds.length
}

/** A step that made a layer, or one not recognised as config-only. */
function makesLayer(entry: HistoryEntry): boolean {
  return (entry.Size ?? 0) > 0 || !CONFIG_ONLY_STEP.test(entry.CreatedBy ?? '')
}

/** The history entry of each layer, oldest first (undefined where none can be told). */
function layerSteps(
  diffIds: readonly string[],
  history: readonly HistoryEntry[],
): (HistoryEntry | undefined)[] {
  const oldestFirst = [...history].reverse()
  if (oldestFirst.length === diffIds.length) return oldestFirst

  const steps = oldestFirst.filter(makesLayer)
  if (steps.length === diffIds.length) return steps

  const sized = oldestFirst.filter((entry) => (entry.Size ?? 0) > 0)
  return diffIds.map((_, index) => sized[index])
}

export function layerFacts(
  diffIds: readonly string[],
  history: readonly HistoryEntry[],
  chains: readonly string[] = chainIds(diffIds),
): LayerFacts[] {
  const steps = layerSteps(diffIds, history)
  return diffIds.map((diffId, index) => ({
    diffId,
    chainId: chains[index]!,
    size: steps[index]?.Size ?? 0,
    step: steps[index]?.CreatedBy ?? '',
    buildkit: steps[index]?.Comment === 'buildkit.dockerfile.v0',
    created: steps[index]?.Created ?? 0,
  }))
}
