/**
 * Containers, volumes and build cache as the window and `drydock status` show them, from one
 * inventory read: the lists at once, sizes from the last `/system/df` with their age (a fresh
 * one is read behind and announced with a `sizes` event).
 */
import type {
  BuildCacheList,
  BuildCacheView,
  ContainerList,
  ContainerView,
  VolumeList,
} from '../shared/kinds'
import type { ContainerRecord, Inventory } from './engine/inventory'
import { COMPOSE_PROJECT_LABEL, type KindsInventory } from './engine/kinds'
import { isRunning } from './planner/graph'

const iso = (seconds: number) => new Date(seconds * 1000).toISOString()

function frame(kinds: KindsInventory | undefined, refreshing: boolean) {
  return { sizesAt: kinds?.sizesAt?.toISOString() ?? null, refreshing }
}

export function describeContainers(
  inventory: Inventory,
  exits: ReadonlyMap<string, number>,
  refreshing: boolean,
): ContainerList {
  const kinds = inventory.kinds
  const items = inventory.containers.map((c): ContainerView => ({
    id: c.id,
    name: c.name,
    image: c.imageRef,
    imageId: c.imageId,
    state: c.state,
    running: isRunning(c),
    created: iso(c.created),
    finishedAt: exits.has(c.id) ? iso(exits.get(c.id)!) : null,
    sizeRw: kinds?.sizesAt ? (kinds.containerSizes.get(c.id) ?? null) : null,
    volumes: c.volumes,
    labels: c.labels,
    composeProject: c.labels[COMPOSE_PROJECT_LABEL] ?? null,
  }))
  return { items, ...frame(kinds, refreshing) }
}

export function describeVolumes(inventory: Inventory, refreshing: boolean): VolumeList {
  const kinds = inventory.kinds
  const mounters = (name: string) =>
    inventory.containers
      .filter((c: ContainerRecord) => c.volumes.some((mount) => mount.name === name))
      .map((c) => ({ id: c.id, name: c.name, state: c.state }))
  const items = (kinds?.volumes ?? []).map((volume) => ({
    name: volume.name,
    anonymous: volume.anonymous,
    driver: volume.driver,
    created: volume.created === null ? null : iso(volume.created),
    size: kinds?.sizesAt ? (kinds.volumeSizes.get(volume.name) ?? null) : null,
    mountedBy: mounters(volume.name),
    labels: volume.labels,
    composeProject: volume.labels[COMPOSE_PROJECT_LABEL] ?? null,
  }))
  return { items, ...frame(kinds, refreshing) }
}

export function describeBuildCache(inventory: Inventory, refreshing: boolean): BuildCacheList {
  const kinds = inventory.kinds
  const items = (kinds?.buildCache ?? []).map((record): BuildCacheView => ({
    id: record.id,
    parents: record.parents,
    type: record.type,
    description: record.description,
    inUse: record.inUse,
    shared: record.shared,
    size: record.size,
    created: new Date(record.created).toISOString(),
    lastUsed: record.lastUsed === null ? null : new Date(record.lastUsed).toISOString(),
    usageCount: record.usageCount,
  }))
  return { items, ...frame(kinds, refreshing) }
}
