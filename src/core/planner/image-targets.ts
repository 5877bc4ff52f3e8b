/**
 * What the image part of a selection wants: `docker rmi` semantics for named images (run through
 * the engine model, with Drydock's protection on top), or a bulk policy (see policy.ts).
 */
import type { Blocker, Selection } from '../../shared/cleanup'
import { DrydockError } from '../../shared/errors'
import type { ContainerRecord, Inventory } from '../engine/inventory'
import { EngineModel, type Conflict, type EngineRules } from './engine-model'
import { DependencyGraph, isRunning } from './graph'
import type { LastUse } from './last-used'
import { nameProtection } from './kind-rules'
import { decideBulk, labelOf, protectionRules, type BulkIntent } from './policy'

export type ImageTarget =
  | { kind: 'change'; removeContainers: ContainerRecord[]; force: boolean; reason: string }
  | { kind: 'blocked'; reason: string; blockers: Blocker[] }
  | { kind: 'keep'; reason: string; blockers: Blocker[] }
  | { kind: 'untag'; refs: string[]; force: boolean; reason: string }

export function modelOf(graph: DependencyGraph, store: EngineRules): EngineModel {
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

export function blockerOf(conflict: Conflict, graph: DependencyGraph, imageId: string): Blocker[] {
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

/**
 * Podman does more than the request names (docs/engine-rules.md §9): its forced delete stops and
 * removes the containers using the image (podman#25871), and it removes each parent the image
 * leaves without names or children even with `noprune`. Drydock removes a container only as an
 * item of its own (listed, re-checked, journaled: --with-containers), and an image only when the
 * plan lists it: such a request is refused here, before it is sent. Null when it is fine.
 */
export function podmanRefusal(
  graph: DependencyGraph,
  model: EngineModel,
  imageId: string,
  force: boolean,
  /** Null when the plan removes that parent too; otherwise why it keeps it. */
  keptBecause: (parentId: string) => Blocker[] | null,
): { reason: string; blockers: Blocker[] } | null {
  const chain = [imageId, ...model.podmanWalk(imageId)]
  const users = force ? chain.flatMap((id) => model.containersUsing(id)) : []
  if (users.length > 0) {
    const names = users.map(
      (user) =>
        graph.inventory.containers.find((c) => c.id === user.id)?.name ?? user.id.slice(0, 12),
    )
    return {
      reason: `Podman's forced delete would stop and remove ${names.join(', ')} (podman#25871); Drydock removes a container only when the plan lists it: add --with-containers`,
      blockers: users.map((user, index) => ({
        kind: user.running ? 'running-container' : 'stopped-container',
        ref: names[index]!,
      })),
    }
  }
  for (const parent of chain.slice(1)) {
    const kept = keptBecause(parent)
    if (!kept) continue
    return {
      reason: `Podman would also remove its untagged parent ${labelOf(graph, parent)} (it removes parents left without tags or children, whatever noprune says), which this plan keeps`,
      blockers: kept.length > 0 ? kept : [{ kind: 'child-image', ref: labelOf(graph, imageId) }],
    }
  }
  return null
}

/** `docker rmi [-f] NAME...` on the model, with Drydock's protection on top. */
function decideNamed(
  graph: DependencyGraph,
  selection: Selection,
  store: EngineRules,
): Map<string, ImageTarget> {
  let model = modelOf(graph, store)
  const protection = protectionRules(selection)
  const protectContainer = nameProtection(selection)
  const targets = new Map<string, ImageTarget>()
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
    // What Settings protects, no cleanup touches: a protected container keeps its image.
    const keptUser = removeContainers
      .map((container) => protectContainer(container))
      .find((blocker) => blocker !== null)
    if (keptUser) {
      targets.set(imageId, {
        kind: 'blocked',
        reason: `a container using it is protected: ${keptUser.ref}`,
        blockers: [keptUser],
      })
      continue
    }
    for (const container of removeContainers) model.removeContainer(container.id)
    // Podman may do more than asked: tried on a copy, kept only when it does nothing unlisted.
    const trial = store === 'podman' ? model.clone() : model
    const result = trial.delete(name, { force: selection.force, prune: true })
    if (!result.ok) {
      targets.set(imageId, {
        kind: 'blocked',
        reason: result.conflict.message,
        blockers: blockerOf(result.conflict, graph, imageId),
      })
      continue
    }
    const refused =
      store === 'podman' && result.outcome.deleted.includes(imageId)
        ? podmanRefusal(graph, model, imageId, selection.force, (parent) => {
            const protectedBy = protection.protects(graph.images.get(parent)!)
            return protectedBy ? [protectedBy] : null
          })
        : null
    if (refused) {
      targets.set(imageId, { kind: 'blocked', ...refused })
      continue
    }
    model = trial
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

function fromBulk(intent: BulkIntent): ImageTarget {
  switch (intent.kind) {
    case 'delete':
      return { kind: 'change', removeContainers: [], force: false, reason: intent.reason }
    case 'untag':
      return { kind: 'untag', refs: intent.refs, force: false, reason: intent.reason }
    default:
      return intent
  }
}

/** Each image the selection touches, and what should happen to it. */
export function decideImages(
  graph: DependencyGraph,
  selection: Selection,
  store: EngineRules,
  now: Date,
  lastUse: (id: string) => LastUse,
  goingContainers?: ReadonlySet<string>,
): Map<string, ImageTarget> {
  if (selection.images.length > 0) return decideNamed(graph, selection, store)
  if (!selection.dangling && !selection.unused && selection.keepLast === null) return new Map()
  return new Map(
    [...decideBulk(graph, selection, now, lastUse, goingContainers)].map(([id, intent]) => [
      id,
      fromBulk(intent),
    ]),
  )
}
