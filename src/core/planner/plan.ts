/**
 * Builds a cleanup plan: decides the target (bulk policy, or `docker rmi` semantics for named
 * images), turns it into the exact engine requests, runs those requests through the engine model
 * to predict each item's outcome, and counts the bytes each step really frees.
 */
import type {
  AffectedContainer,
  Blocker,
  EngineRequest,
  Plan,
  PlanItem,
  Selection,
} from '../../shared/cleanup'
import { DrydockError } from '../../shared/errors'
import type { ContainerRecord, Inventory } from '../engine/inventory'
import { EngineModel, type Conflict, type ImageStoreKind } from './engine-model'
import { DependencyGraph, isRunning } from './graph'
import type { LastUse } from './last-used'
import { decideBulk, labelOf, protectionRules, type BulkIntent } from './policy'
import { LayerLedger } from './reclaim'

export interface PlanContext {
  id: string
  host: string
  version: string
  imageStore: ImageStoreKind
  now: Date
  /** Writable-layer bytes of containers the plan may remove (--with-containers). */
  containerSizes?: ReadonlyMap<string, number>
  /** When each image was last used (for --unused-for); build times when absent. */
  lastUses?: ReadonlyMap<string, LastUse>
}

type Target =
  | { kind: 'change'; removeContainers: ContainerRecord[]; force: boolean; reason: string }
  | { kind: 'blocked'; reason: string; blockers: Blocker[] }
  | { kind: 'keep'; reason: string; blockers: Blocker[] }
  | { kind: 'untag'; refs: string[]; force: boolean; reason: string }

function modelOf(graph: DependencyGraph, store: ImageStoreKind): EngineModel {
  return EngineModel.from(
    store,
    [...graph.images.values()],
    graph.inventory.containers.map((c) => ({
      id: c.id,
      imageId: c.imageId,
      running: isRunning(c),
    })),
  )
}

function blockerOf(conflict: Conflict, graph: DependencyGraph, imageId: string): Blocker[] {
  const containerName = (id?: string) =>
    graph.inventory.containers.find((c) => c.id === id)?.name ?? id?.slice(0, 12) ?? ''
  switch (conflict.kind) {
    case 'child-image':
      return graph
        .children(imageId)
        .map((child) => ({ kind: 'child-image', ref: labelOf(graph, child) }))
    case 'running-container':
      return [{ kind: 'running-container', ref: containerName(conflict.containerId) }]
    case 'stopped-container':
      return [{ kind: 'stopped-container', ref: containerName(conflict.containerId) }]
    case 'reference-in-use': {
      const container = graph.inventory.containers.find((c) => c.id === conflict.containerId)
      const kind = container && isRunning(container) ? 'running-container' : 'stopped-container'
      return [{ kind, ref: containerName(conflict.containerId) }]
    }
    case 'multiple-references':
      return [{ kind: 'multiple-references', ref: graph.references(imageId).join(', ') }]
    case 'not-found':
      return []
  }
}

/** `docker rmi [-f] NAME...` on the model, with Drydock's protection on top. */
function decideNamed(
  graph: DependencyGraph,
  selection: Selection,
  store: ImageStoreKind,
): Map<string, Target> {
  const model = modelOf(graph, store)
  const protection = protectionRules(selection)
  const targets = new Map<string, Target>()
  for (const name of selection.images) {
    const imageId = model.resolve(name)
    if (!imageId) throw new DrydockError('invalid-request', `No such image: ${name}`)
    const image = graph.images.get(imageId)!
    const protectedBy = protection.protects(image)
    if (protectedBy) {
      targets.set(imageId, {
        kind: 'keep',
        reason: `protected: ${protectedBy.ref}`,
        blockers: [protectedBy],
      })
      continue
    }
    const removeContainers = selection.withContainers ? graph.containers(imageId) : []
    for (const container of removeContainers) model.removeContainer(container.id)
    const result = model.delete(name, { force: selection.force, prune: true })
    if (!result.ok) {
      targets.set(imageId, {
        kind: 'blocked',
        reason: result.conflict.message,
        blockers: blockerOf(result.conflict, graph, imageId),
      })
      continue
    }
    const [named, ...walked] = result.outcome.deleted
    if (named === imageId) {
      targets.set(imageId, {
        kind: 'change',
        removeContainers,
        force: selection.force,
        reason: `docker rmi${selection.force ? ' -f' : ''} ${name}: untagged and deleted`,
      })
    } else {
      const refs = result.outcome.untagged.filter((ref) => graph.references(imageId).includes(ref))
      const why =
        graph.references(imageId).length > refs.length
          ? 'other references remain'
          : graph.children(imageId).length > 0
            ? 'the image has dependent child images, so only the reference goes'
            : 'a running container uses the image, so forcing only removes the reference'
      targets.set(imageId, {
        kind: 'untag',
        refs,
        force: selection.force,
        reason: `docker rmi${selection.force ? ' -f' : ''} ${name}: ${why}`,
      })
    }
    for (const parent of walked) {
      if (protection.protects(graph.images.get(parent)!)) continue
      targets.set(parent, {
        kind: 'change',
        removeContainers: [],
        force: false,
        reason: 'untagged parent of a removed image (docker rmi removes it with its last child)',
      })
    }
  }
  return targets
}

/** The images that `--image` names resolve to (unknown names are left to buildPlan to refuse). */
export function namedImageIds(inventory: Inventory, names: string[]): Set<string> {
  const model = modelOf(new DependencyGraph(inventory), 'graphdriver')
  return new Set(names.map((name) => model.resolve(name)).filter((id): id is string => id !== null))
}

function fromBulk(intent: BulkIntent): Target {
  switch (intent.kind) {
    case 'delete':
      return { kind: 'change', removeContainers: [], force: false, reason: intent.reason }
    case 'untag':
      return { kind: 'untag', refs: intent.refs, force: false, reason: intent.reason }
    default:
      return intent
  }
}

/** One request in execution order, and the item it belongs to. */
interface Step {
  itemIndex: number
  request: EngineRequest
}

function lastUseOf(graph: DependencyGraph, context: PlanContext): (id: string) => LastUse {
  return (id) =>
    context.lastUses?.get(id) ?? {
      at: (graph.images.get(id)?.created ?? 0) * 1000,
      source: 'created',
    }
}

export function buildPlan(inventory: Inventory, selection: Selection, context: PlanContext): Plan {
  const graph = new DependencyGraph(inventory)
  const targets =
    selection.images.length > 0
      ? decideNamed(graph, selection, context.imageStore)
      : new Map(
          [...decideBulk(graph, selection, context.now, lastUseOf(graph, context))].map(
            ([id, intent]) => [id, fromBulk(intent)],
          ),
        )

  // Requests, children first, each checked against the model as the engine will check it.
  const model = modelOf(graph, context.imageStore)
  const order = graph.childrenFirst(targets.keys())
  const items: PlanItem[] = []
  const steps: Step[] = []
  const removedContainers = new Set<string>()
  const deletedImages = new Set<string>()

  for (const imageId of order) {
    const target = targets.get(imageId)!
    const image = graph.images.get(imageId)!
    const itemIndex = items.length
    const item: PlanItem = {
      id: imageId,
      tags: image.tags,
      digests: image.digests,
      action: 'keep',
      untag: [],
      reason: target.reason,
      blockers: target.kind === 'blocked' || target.kind === 'keep' ? target.blockers : [],
      affectedContainers: [],
      reclaimBytes: 0,
      requests: [],
    }
    items.push(item)
    if (target.kind === 'blocked' || target.kind === 'keep') {
      item.action = target.kind
      continue
    }

    const force = target.force
    const requests: EngineRequest[] = []
    if (target.kind === 'change') {
      for (const container of target.removeContainers) {
        requests.push({ kind: 'remove-container', id: container.id, stop: isRunning(container) })
        model.removeContainer(container.id)
        removedContainers.add(container.id)
      }
    }
    const untagged: string[] = []
    let conflict: Conflict | null = null
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
      if (result.outcome.deleted.includes(imageId)) break
    }
    if (!conflict && target.kind === 'change' && model.has(imageId)) {
      const result = model.delete(imageId, { force, prune: false })
      if (result.ok) {
        requests.push({ kind: 'delete-image', name: imageId, force })
        untagged.push(...result.outcome.untagged)
      } else conflict = result.conflict
    }
    if (conflict) {
      // The model refuses what the policy wanted: say so rather than send a failing request.
      item.action = 'blocked'
      item.reason = conflict.message
      item.blockers = blockerOf(conflict, graph, imageId)
      continue
    }
    const deleted = !model.has(imageId)
    if (deleted) deletedImages.add(imageId)
    item.action = deleted ? 'delete' : 'untag'
    item.untag = [...new Set(untagged)]
    item.requests = requests
    for (const request of requests) steps.push({ itemIndex, request })
  }

  // Containers each item affects, and the bytes each step frees.
  const sizes = new Map(graph.sizes())
  for (const [containerId, bytes] of context.containerSizes ?? [])
    sizes.set(`container:${containerId}`, bytes)
  const containerRoot = (c: ContainerRecord) => ({
    chainIds: [...graph.chainIdsOf(c.imageId), `container:${c.id}`],
  })
  const ledger = new LayerLedger(sizes, [
    ...[...graph.images.keys()].map((id) => ({ chainIds: graph.chainIdsOf(id) })),
    ...inventory.containers.map(containerRoot),
  ])
  for (const step of steps) {
    const item = items[step.itemIndex]!
    if (step.request.kind === 'remove-container') {
      const removed = step.request.id
      const container = inventory.containers.find((c) => c.id === removed)!
      item.reclaimBytes += ledger.release(containerRoot(container))
    } else if (
      deletedImages.has(item.id) &&
      item.requests[item.requests.length - 1] === step.request
    ) {
      // The item's last request is the one that deletes the image.
      item.reclaimBytes += ledger.release({ chainIds: graph.chainIdsOf(item.id) })
    }
  }
  for (const item of items) {
    item.affectedContainers = graph.containers(item.id).map((container): AffectedContainer => ({
      id: container.id,
      name: container.name,
      state: container.state,
      effect: removedContainers.has(container.id)
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
    }))
  }

  return {
    id: context.id,
    engine: { host: context.host, version: context.version, imageStore: context.imageStore },
    selection,
    createdAt: context.now.toISOString(),
    items,
    reclaimBytes: items.reduce((sum, item) => sum + item.reclaimBytes, 0),
  }
}
