/**
 * Builds a cleanup plan over every kind: decides what each part of the selection wants
 * (image-targets.ts, kind-rules.ts), turns it into the exact engine requests in a safe order
 * (containers, then images and volumes, then build cache), runs image requests through the
 * engine model to predict each outcome, and counts the bytes each step really frees with one
 * ledger of who holds what (holdings.ts).
 */
import type {
  AffectedContainer,
  EngineRequest,
  Holder,
  ItemKind,
  Plan,
  PlanHint,
  PlanItem,
  Selection,
} from '../../shared/cleanup'
import type { ContainerRecord, Inventory } from '../engine/inventory'
import { COMPOSE_PROJECT_LABEL } from '../engine/kinds'
import type { EngineInfo } from '../../shared/contract'
import { type Conflict, type EngineRules, type ImageStoreKind } from './engine-model'
import { DependencyGraph, isRunning } from './graph'
import { blockerOf, decideImages, modelOf, podmanRefusal, type ImageTarget } from './image-targets'
import {
  decideBuildCache,
  decideContainers,
  decideVolumes,
  nameProtection,
  type KindDecision,
} from './kind-rules'
import type { LastUse } from './last-used'
import { Holdings } from './holdings'
import { walkToTarget } from './target-size'

export { namedImageIds } from './image-targets'

export interface PlanContext {
  id: string
  host: string
  /** The engine's own ID. */
  engineId?: string
  version: string
  imageStore: ImageStoreKind
  /** Podman's compatible API deletes by rules of its own (docs/engine-rules.md §9). */
  engineKind?: EngineInfo['engineKind']
  now: Date
  /** Writable-layer bytes of containers the plan may remove, when the inventory has none. */
  containerSizes?: ReadonlyMap<string, number>
  /** Bytes of each container's directory under the data root (its log), where readable. */
  containerFiles?: ReadonlyMap<string, number>
  /** When each image was last used (for --unused-for); build times when absent. */
  lastUses?: ReadonlyMap<string, LastUse>
  /** When each stopped container stopped, unix seconds (for --older-than on containers). */
  exitTimes?: ReadonlyMap<string, number>
  /** The inventory's graph, when the caller built it already (it is not cheap on big engines). */
  graph?: DependencyGraph
}

function lastUseOf(graph: DependencyGraph, context: PlanContext): (id: string) => LastUse {
  return (id) =>
    context.lastUses?.get(id) ?? {
      at: (graph.images.get(id)?.created ?? 0) * 1000,
      source: 'created',
    }
}

function emptyItem(kind: ItemKind, id: string, name: string, reason: string): PlanItem {
  return {
    kind,
    id,
    name,
    tags: [],
    digests: [],
    action: 'keep',
    untag: [],
    reason,
    blockers: [],
    affectedContainers: [],
    reclaimBytes: 0,
    heldBy: [],
    project: null,
    requests: [],
    after: [],
  }
}

function fromDecision(item: PlanItem, decision: KindDecision, requests: EngineRequest[]): PlanItem {
  if (decision.action === 'delete') return { ...item, action: 'delete', requests }
  return { ...item, action: decision.action, blockers: decision.blockers }
}

const projectOf = (labels: Record<string, string>) => labels[COMPOSE_PROJECT_LABEL] ?? null

/**
 * What the plan's byte counts stand on, for the run that follows it: the image layers whose bytes
 * each build cache record was credited with. An image's delete may free such a layer itself (the
 * engine names every layer it deletes): the record then frees that much less.
 */
export interface PlanLedger {
  recordLayers: Map<string, string[]>
}

export function buildPlan(inventory: Inventory, selection: Selection, context: PlanContext): Plan {
  return buildPlanAndLedger(inventory, selection, context).plan
}

export function buildPlanAndLedger(
  inventory: Inventory,
  selection: Selection,
  context: PlanContext,
): { plan: Plan; ledger: PlanLedger } {
  const graph = context.graph ?? new DependencyGraph(inventory)
  const rules: EngineRules = context.engineKind === 'podman' ? 'podman' : context.imageStore
  const kinds = inventory.kinds
  const lastUse = lastUseOf(graph, context)
  // --target-size: least recently used first, on a ledger of its own, until the target is met.
  const walk =
    selection.targetSize === null
      ? null
      : walkToTarget(
          graph,
          kinds?.buildCache ?? [],
          selection,
          context.now,
          lastUse,
          new Holdings(inventory, graph, context.containerSizes, context.containerFiles),
        )
  // Containers: chosen for themselves (decided first: an image only they use is then unused, as
  // in `docker system prune`), or removed first for an image or volume (--with-containers).
  const containerDecisions = decideContainers(
    inventory.containers,
    selection,
    context.now,
    (id) => (context.exitTimes?.get(id) ?? null) && context.exitTimes!.get(id)! * 1000,
  )
  const chosenContainers = new Set(
    [...containerDecisions].filter(([, d]) => d.action === 'delete').map(([id]) => id),
  )
  const imageTargets: Map<string, ImageTarget> = walk
    ? new Map(
        [...walk.images].map((id) => [
          id,
          {
            kind: 'change',
            removeContainers: [],
            force: false,
            reason: `least recently used (${new Date(lastUse(id).at).toISOString().slice(0, 10)}): goes to reach --target-size`,
          },
        ]),
      )
    : decideImages(graph, selection, rules, context.now, lastUse, chosenContainers)

  for (const target of imageTargets.values()) {
    if (target.kind !== 'change') continue
    for (const container of target.removeContainers) {
      containerDecisions.set(container.id, {
        action: 'delete',
        stop: isRunning(container),
        reason: `uses ${container.imageRef || 'the image'}: removed first, as --with-containers asks`,
      })
    }
  }
  if (selection.withContainers && kinds) {
    const protect = nameProtection(selection)
    for (const name of selection.volumes) {
      for (const container of inventory.containers.filter((c) =>
        c.volumes.some((mount) => mount.name === name),
      )) {
        // A protected container stays, and so its volume stays too (decideVolumes says why).
        const protectedBy = protect(container)
        if (protectedBy) {
          containerDecisions.set(container.id, {
            action: 'keep',
            reason: `protected: ${protectedBy.ref}`,
            blockers: [protectedBy],
          })
          continue
        }
        containerDecisions.set(container.id, {
          action: 'delete',
          stop: isRunning(container),
          reason: `mounts volume ${name}: removed first, as --with-containers asks`,
        })
      }
    }
  }
  const goingContainers = new Set(
    [...containerDecisions].filter(([, d]) => d.action === 'delete').map(([id]) => id),
  )
  const volumeDecisions = kinds
    ? decideVolumes(kinds.volumes, inventory.containers, selection, goingContainers)
    : new Map<string, KindDecision>()

  const items: PlanItem[] = []
  // 1. Containers.
  const containersById = new Map(inventory.containers.map((c) => [c.id, c]))
  for (const [id, decision] of containerDecisions) {
    const container = containersById.get(id)!
    const item = emptyItem('container', id, container.name, decision.reason)
    item.project = projectOf(container.labels)
    const stop = decision.action === 'delete' && decision.stop === true
    items.push(fromDecision(item, decision, [{ kind: 'remove-container', id, stop }]))
  }
  // 2. Images, children first, each request checked against the model.
  items.push(...imageItems(graph, imageTargets, goingContainers, rules))
  // 3. Volumes.
  for (const [name, decision] of volumeDecisions) {
    const volume = kinds!.volumes.find((v) => v.name === name)!
    const item = emptyItem('volume', name, name, decision.reason)
    item.project = projectOf(volume.labels)
    items.push(fromDecision(item, decision, [{ kind: 'remove-volume', name }]))
  }

  // Bytes: one ledger of who holds what, released in execution order (containers, then images
  // and volumes, then build cache).
  const holdings = new Holdings(inventory, graph, context.containerSizes, context.containerFiles)
  for (const item of items) {
    if (item.action === 'delete') item.reclaimBytes = holdings.release(item.kind, item.id)
  }

  // 4. Build cache, leaves first. A record whose layer an image or container that stays still
  // holds frees nothing (the engine calls it shared and would refuse it): it is kept, said why.
  const cacheDecisions: Map<string, KindDecision> = walk
    ? new Map(
        [...walk.records].map((id) => [
          id,
          {
            action: 'delete',
            reason: 'least recently used build cache: goes to reach --target-size',
          },
        ]),
      )
    : kinds?.buildCache
      ? decideBuildCache(kinds.buildCache, selection, context.now, (id) =>
          holdings.heldByOthers('build-cache', id),
        )
      : new Map<string, KindDecision>()
  const records = new Map((kinds?.buildCache ?? []).map((record) => [record.id, record]))
  const childRecords = new Map<string, string[]>()
  for (const [id, record] of records) {
    for (const parent of record.parents)
      childRecords.set(parent, [...(childRecords.get(parent) ?? []), id])
  }
  const recordLayers = new Map<string, string[]>()
  for (const id of leavesFirst(cacheDecisions.keys(), records)) {
    const record = records.get(id)!
    const decision = cacheDecisions.get(id)!
    const item = emptyItem('build-cache', id, record.description || record.type, decision.reason)
    const planned = fromDecision(item, decision, [{ kind: 'remove-build-cache', id }])
    if (planned.action === 'delete') {
      planned.reclaimBytes = holdings.release('build-cache', id)
      recordLayers.set(id, holdings.layersFreedBy('build-cache', id))
      planned.after = (childRecords.get(id) ?? []).filter(
        (child) => cacheDecisions.get(child)?.action === 'delete',
      )
    }
    items.push(planned)
  }

  for (const item of items) {
    item.affectedContainers = affected(item, graph, inventory, goingContainers)
    // An image freed by removing its containers goes after them (the executor's phases order it
    // anyway; `after` says so in the plan, and a container that stays stops the image).
    if (item.kind === 'image' && item.action === 'delete') {
      for (const container of item.affectedContainers) {
        if (container.effect === 'removed') item.after.push(container.id)
      }
    }
  }

  // What build cache still holds of the images this plan removes, and what removing it frees.
  const hints: PlanHint[] = []
  for (const item of items) {
    if (item.kind === 'image' && item.action === 'delete') {
      item.heldBy = holdings.stillHolding('image', item.id)
    }
  }
  const holdingRecords = new Set(items.flatMap((item) => item.heldBy.map((holder) => holder.id)))
  if (holdingRecords.size > 0) {
    const extra = holdings.releaseAll([...holdingRecords].map((id) => ['build-cache', id]))
    const n = holdingRecords.size
    hints.push({
      message: `${n} build cache record${n === 1 ? '' : 's'} still hold${n === 1 ? 's' : ''} layers of the images this plan removes; removing ${n === 1 ? 'it' : 'them'} too frees the rest.`,
      add: { cacheRecords: [...holdingRecords] },
      reclaimBytes: extra,
    })
  }

  const reclaimByKind = { image: 0, container: 0, volume: 0, 'build-cache': 0 }
  for (const item of items) reclaimByKind[item.kind] += item.reclaimBytes
  const plan: Plan = {
    id: context.id,
    engine: {
      host: context.host,
      id: context.engineId ?? '',
      version: context.version,
      imageStore: context.imageStore,
    },
    selection,
    createdAt: context.now.toISOString(),
    items,
    reclaimBytes: items.reduce((sum, item) => sum + item.reclaimBytes, 0),
    reclaimByKind,
    hints,
    target: walk?.target ?? null,
  }
  return { plan, ledger: { recordLayers } }
}

/** The image items: each request run through the engine model, as the engine will check it. */
function imageItems(
  graph: DependencyGraph,
  targets: Map<string, ImageTarget>,
  goingContainers: ReadonlySet<string>,
  store: EngineRules,
): PlanItem[] {
  const model = modelOf(graph, store)
  for (const id of goingContainers) model.removeContainer(id)
  const items: PlanItem[] = []
  /** Podman: parents its deletes remove with their last child, whatever noprune says. */
  const walkedAway = new Set<string>()
  for (const imageId of graph.childrenFirst(targets.keys())) {
    const target = targets.get(imageId)!
    const image = graph.images.get(imageId)!
    const item = emptyItem(
      'image',
      imageId,
      image.tags[0] ?? image.digests[0] ?? '<none>',
      target.reason,
    )
    item.tags = image.tags
    item.digests = image.digests
    items.push(item)
    if (target.kind === 'blocked' || target.kind === 'keep') {
      item.action = target.kind
      item.blockers = target.blockers
      continue
    }
    if (walkedAway.has(imageId)) {
      // Its child's request removes it: still an item of its own (re-checked, journaled, and
      // deleted by ID should it still be there), its outcome read from the child's answer.
      item.action = 'delete'
      item.requests = [{ kind: 'delete-image', name: imageId, force: false }]
      item.after = graph.children(imageId).filter((child) => targets.has(child))
      continue
    }
    const force = target.force
    const requests: EngineRequest[] = []
    const untagged: string[] = []
    let conflict: Conflict | null = null
    const refused =
      store === 'podman' && target.kind === 'change'
        ? podmanRefusal(graph, model, imageId, force, (parent) => {
            const kept = targets.get(parent)
            return kept?.kind === 'change' ? null : kept && 'blockers' in kept ? kept.blockers : []
          })
        : null
    if (refused) {
      item.action = 'blocked'
      item.reason = refused.reason
      item.blockers = refused.blockers
      continue
    }
    const refsToRemove = target.kind === 'untag' ? target.refs : model.refsOf(imageId)
    for (const ref of refsToRemove) {
      if (!model.refsOf(imageId).includes(ref)) continue // already dropped with its repository's tag
      const result = model.delete(ref, { force, prune: false })
      if (!result.ok) {
        conflict = result.conflict
        break
      }
      requests.push({ kind: 'delete-image', name: ref, force })
      untagged.push(...result.outcome.untagged)
      for (const id of result.outcome.deleted) if (id !== imageId) walkedAway.add(id)
      if (result.outcome.deleted.includes(imageId)) break
    }
    if (!conflict && target.kind === 'change' && model.has(imageId)) {
      const result = model.delete(imageId, { force, prune: false })
      if (result.ok) {
        requests.push({ kind: 'delete-image', name: imageId, force })
        untagged.push(...result.outcome.untagged)
        for (const id of result.outcome.deleted) if (id !== imageId) walkedAway.add(id)
      } else conflict = result.conflict
    }
    if (conflict) {
      // The model refuses what the policy wanted: say so rather than send a failing request.
      item.action = 'blocked'
      item.reason = conflict.message
      item.blockers = blockerOf(conflict, graph, imageId)
      continue
    }
    item.action = model.has(imageId) ? 'untag' : 'delete'
    item.untag = [...new Set(untagged)]
    item.requests = requests
    item.after = graph.children(imageId).filter((child) => targets.has(child))
  }
  return items
}

/** What the item does to each container involved: an image's users, a volume's mounters. */
function affected(
  item: PlanItem,
  graph: DependencyGraph,
  inventory: Inventory,
  going: ReadonlySet<string>,
): AffectedContainer[] {
  const describe = (container: ContainerRecord, effect: AffectedContainer['effect']) => ({
    id: container.id,
    name: container.name,
    state: container.state,
    effect,
  })
  if (item.kind === 'volume') {
    return inventory.containers
      .filter((c) => c.volumes.some((mount) => mount.name === item.id))
      .map((c) =>
        describe(c, going.has(c.id) ? 'removed' : item.action === 'blocked' ? 'blocks' : 'none'),
      )
  }
  if (item.kind !== 'image') return []
  return graph
    .containers(item.id)
    .map((container) =>
      describe(
        container,
        going.has(container.id)
          ? 'removed'
          : item.action === 'delete'
            ? 'orphaned'
            : item.action === 'untag' &&
                item.untag.length > 0 &&
                !graph.references(item.id).some((r) => !item.untag.includes(r))
              ? 'untagged-under'
              : item.action === 'blocked'
                ? 'blocks'
                : 'none',
      ),
    )
}

/** Build cache records ordered so that a record comes after every record built on it. */
function leavesFirst(
  ids: Iterable<string>,
  records: ReadonlyMap<string, { parents: string[] }>,
): string[] {
  const wanted = new Set(ids)
  const children = new Map<string, string[]>()
  for (const [id, record] of records) {
    for (const parent of record.parents) children.set(parent, [...(children.get(parent) ?? []), id])
  }
  const ordered: string[] = []
  const visited = new Set<string>()
  const visit = (id: string) => {
    if (visited.has(id)) return
    visited.add(id)
    for (const child of children.get(id) ?? []) if (wanted.has(child)) visit(child)
    ordered.push(id)
  }
  for (const id of wanted) visit(id)
  return ordered
}

export type { Holder }
