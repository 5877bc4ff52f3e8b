/**
 * Who holds which bytes on disk, for counting what a plan really frees. A unit of storage (an
 * image layer, a container's writable layer, a volume's contents, a build cache record's own
 * data) stays while anything holds it and is freed by the step that drops its last holder:
 *
 * - an image holds its layers (by chain ID: equal chain IDs are one layer on disk);
 * - a container holds its image's layers (even when the image was force-deleted) and its
 *   writable layer;
 * - a volume holds its contents;
 * - a BuildKit cache record holds the image layer it made (and the layers under it), or else
 *   its own data (build contexts, cache mounts).
 *
 * Steps are released in execution order, so each freed unit is credited to the item whose step
 * frees it, as the engine's own answers would.
 */
import type { Holder, ItemKind } from '../../shared/cleanup'
import type { Inventory } from '../engine/inventory'
import { recordLayers } from './record-layers'
import type { DependencyGraph } from './graph'

type Key = `${ItemKind}:${string}`
/** Units that are not image layers: a container's writable layer, a volume, a record's own data. */
const OTHER_UNIT = /^(?:rw|vol|cache):/

export class Holdings {
  private readonly sizes = new Map<string, number>()
  private readonly units = new Map<Key, string[]>()
  private readonly counts = new Map<string, number>()
  private readonly names = new Map<Key, string>()
  private readonly released = new Set<Key>()
  /** Unit → its holders, for asking who else holds a record's layers. */
  private readonly holdersOf = new Map<string, Key[]>()
  /** Unit → the build cache records among its holders: asked for every unit of every image a
   * plan removes, where a base layer has hundreds of image holders to skip. */
  private readonly recordHoldersOf = new Map<string, Key[]>()
  /** A build cache record's own layer(s): the top of its chain (candidates' tops when unsure). */
  private readonly tops = new Map<Key, string[]>()
  /** Unit → how many holders other than build cache records hold it and are not released: asked
   * for every unit of every image a plan removes, so counted, not searched for. */
  private readonly outside = new Map<string, number>()
  /** Records whose own layer is one of several candidates (record-layers.ts could not tell). */
  private readonly unsure = new Set<Key>()
  /** The units each release freed (the plan's bytes of that step, unit by unit). */
  private readonly freed = new Map<Key, string[]>()

  constructor(
    inventory: Inventory,
    graph: DependencyGraph,
    containerSizes: ReadonlyMap<string, number> = new Map(),
    /** Bytes of each container's directory (its log, its config), where they could be read. */
    containerFiles: ReadonlyMap<string, number> = new Map(),
  ) {
    for (const [chainId, size] of graph.sizes()) this.sizes.set(chainId, size)
    for (const id of graph.images.keys()) this.hold(`image:${id}`, graph.chainIdsOf(id))
    const kinds = inventory.kinds
    for (const container of inventory.containers) {
      const rw = `rw:${container.id}`
      this.sizes.set(
        rw,
        (kinds?.containerSizes.get(container.id) ?? containerSizes.get(container.id) ?? 0) +
          (containerFiles.get(container.id) ?? 0),
      )
      this.hold(`container:${container.id}`, [...graph.chainIdsOf(container.imageId), rw])
    }
    for (const volume of kinds?.volumes ?? []) {
      const unit = `vol:${volume.name}`
      this.sizes.set(unit, kinds?.volumeSizes.get(volume.name) ?? 0)
      this.hold(`volume:${volume.name}`, [unit])
    }
    const records = kinds?.buildCache ?? []
    if (records.length > 0) {
      const held = recordLayers(records, graph)
      const chains = chainIndex(graph)
      for (const record of records) {
        const layer = held.get(record.id)
        const key: Key = `build-cache:${record.id}`
        this.names.set(key, record.description || record.type)
        // A known layer: it and the layers under it. Unknown which (one of several candidates):
        // all of them, so that neither the images nor the record is said to free them alone.
        const chainIds = layer?.chainId
          ? [layer.chainId]
          : layer?.confidence === 'none'
            ? (layer.candidates ?? [])
            : []
        const chain = [...new Set(chainIds.flatMap((id) => chains.get(id) ?? []))]
        if (chain.length > 0) {
          if (!layer?.chainId) this.unsure.add(key)
          this.hold(key, chain)
          this.tops.set(
            key,
            chainIds.filter((id) => chains.has(id)),
          )
        } else {
          const unit = `cache:${record.id}`
          this.sizes.set(unit, record.size)
          this.hold(key, [unit])
        }
      }
    }
  }

  /** Drops a holder; the bytes of the units nobody holds any more. */
  release(kind: ItemKind, id: string): number {
    const key: Key = `${kind}:${id}`
    if (this.released.has(key)) return 0
    this.released.add(key)
    let freed = 0
    const units: string[] = []
    const outside = kind !== 'build-cache'
    for (const unit of this.units.get(key) ?? []) {
      if (outside) this.outside.set(unit, (this.outside.get(unit) ?? 0) - 1)
      const count = (this.counts.get(unit) ?? 0) - 1
      if (count <= 0) {
        this.counts.delete(unit)
        freed += this.sizes.get(unit) ?? 0
        units.push(unit)
      } else this.counts.set(unit, count)
    }
    this.freed.set(key, units)
    return freed
  }

  /** The image layers (chain IDs) whose bytes releasing this holder freed. */
  layersFreedBy(kind: ItemKind, id: string): string[] {
    return (this.freed.get(`${kind}:${id}`) ?? []).filter((unit) => !OTHER_UNIT.test(unit))
  }

  /** Bytes of the units held now by holders of these kinds (each unit once). */
  usage(kinds: ItemKind[]): number {
    let total = 0
    for (const [unit, holders] of this.holdersOf) {
      if ((this.counts.get(unit) ?? 0) <= 0) continue
      if (
        holders.some(
          (key) => !this.released.has(key) && kinds.some((kind) => key.startsWith(`${kind}:`)),
        )
      ) {
        total += this.sizes.get(unit) ?? 0
      }
    }
    return total
  }

  /**
   * Whether an image or container not released holds this build cache record's own layer (the
   * top of its chain: moby's ref checker calls a record shared when its whole chain is an image's
   * prefix). Such a record frees nothing, and the engine refuses to prune it without `all`.
   * Layers under it that staying images share do not make it shared: it still frees its own.
   */
  heldByOthers(kind: ItemKind, id: string): boolean {
    const key: Key = `${kind}:${id}`
    const tops = this.tops.get(key) ?? []
    // Unsure which candidate is its layer: shared only if every candidate is still held. Kept on
    // any one, a base-image record (Size 0, matching every layer at its depth once the image it
    // was built from is gone) kept every record and hid every image's bytes (engine-rules §6).
    // Should it be shared after all, the engine refuses its prune and the item is skipped.
    if (this.unsure.has(key)) {
      return tops.length > 0 && tops.every((unit) => this.heldOutsideCache(unit))
    }
    return tops.some((unit) => this.heldOutsideCache(unit))
  }

  private heldOutsideCache(unit: string): boolean {
    return (this.outside.get(unit) ?? 0) > 0
  }

  /** Build cache records (not released) that still hold some of this holder's units. */
  stillHolding(kind: ItemKind, id: string): Holder[] {
    const keys = new Set<Key>()
    for (const unit of this.units.get(`${kind}:${id}`) ?? []) {
      // A layer a staying image or container shares is theirs too: no record is why it stays.
      if (this.heldOutsideCache(unit)) continue
      for (const key of this.recordHoldersOf.get(unit) ?? []) {
        if (!this.released.has(key)) keys.add(key)
      }
    }
    return [...keys].map((key) => {
      const recordId = key.slice('build-cache:'.length)
      return { kind: 'build-cache', id: recordId, name: this.names.get(key) ?? recordId }
    })
  }

  /** What releasing these too would free, without releasing them: release's count, kept in an
   * overlay of the few units they hold (a copy of the ledger's maps cost a plan of 2,000 images
   * 6 ms). */
  releaseAll(holders: [ItemKind, string][]): number {
    const counts = new Map<string, number>()
    const released = new Set<Key>()
    let freed = 0
    for (const [kind, id] of holders) {
      const key: Key = `${kind}:${id}`
      if (this.released.has(key) || released.has(key)) continue
      released.add(key)
      for (const unit of this.units.get(key) ?? []) {
        const count = (counts.get(unit) ?? this.counts.get(unit) ?? 0) - 1
        counts.set(unit, count)
        if (count === 0) freed += this.sizes.get(unit) ?? 0
      }
    }
    return freed
  }

  private hold(key: Key, units: string[]): void {
    const unique = [...new Set(units)]
    this.units.set(key, unique)
    const outside = !key.startsWith('build-cache:')
    for (const unit of unique) {
      this.counts.set(unit, (this.counts.get(unit) ?? 0) + 1)
      if (outside) this.outside.set(unit, (this.outside.get(unit) ?? 0) + 1)
      const holders = this.holdersOf.get(unit)
      if (holders) holders.push(key)
      else this.holdersOf.set(unit, [key])
      if (!outside) {
        const records = this.recordHoldersOf.get(unit)
        if (records) records.push(key)
        else this.recordHoldersOf.set(unit, [key])
      }
    }
  }
}

/** For every layer of every image: the chain IDs from the base layer up to it. */
function chainIndex(graph: DependencyGraph): Map<string, string[]> {
  const index = new Map<string, string[]>()
  for (const image of graph.images.values()) {
    image.layers.forEach((layer, at) => {
      if (!index.has(layer.chainId)) {
        index.set(
          layer.chainId,
          image.layers.slice(0, at + 1).map((l) => l.chainId),
        )
      }
    })
  }
  return index
}
