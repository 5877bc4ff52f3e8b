/**
 * Bytes that really come back. A layer stays on disk while any image or any container (even one
 * whose image was force-deleted) holds it; it is freed by the step that drops its last holder.
 * This counts holders per layer and walks the plan's steps in order, so each freed layer is
 * credited to the item whose step frees it, as the engine's `Deleted: <layer>` lines would.
 */

export interface LayerHolder {
  /** Chain IDs of the layers this image or container holds. */
  chainIds: readonly string[]
}

export class LayerLedger {
  private readonly holders = new Map<string, number>()

  constructor(
    private readonly sizes: ReadonlyMap<string, number>,
    roots: Iterable<LayerHolder>,
  ) {
    for (const root of roots) this.hold(root)
  }

  hold(root: LayerHolder): void {
    for (const chainId of new Set(root.chainIds))
      this.holders.set(chainId, (this.holders.get(chainId) ?? 0) + 1)
  }

  /** Drops one holder; returns the bytes of the layers nobody holds any more. */
  release(root: LayerHolder): number {
    let freed = 0
    for (const chainId of new Set(root.chainIds)) {
      const count = (this.holders.get(chainId) ?? 0) - 1
      if (count <= 0) {
        this.holders.delete(chainId)
        freed += this.sizes.get(chainId) ?? 0
      } else this.holders.set(chainId, count)
    }
    return freed
  }
}
