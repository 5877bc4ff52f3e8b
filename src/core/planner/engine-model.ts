/**
 * A model of the engine's image store and the rules it applies on `DELETE /images/{name}`, ported
 * from moby's daemon/images/image_delete.go (see docs/engine-rules.md). The planner runs
 * every request it intends to send through this model first, so the plan says what the engine
 * will do; tests compare the model with the real engine. Podman's compatible API has rules of
 * its own (containers/common libimage `removeRecursive`, docs/engine-rules.md §9): `store` is
 * then 'podman'.
 */
import {
  isDigestReference,
  isImageIdPrefix,
  normalizeReference,
  podmanCandidates,
  repositoryOf,
} from './references'

export type ImageStoreKind = 'graphdriver' | 'containerd'
/** Whose delete rules the model follows: Docker's with its image store, or Podman's. */
export type EngineRules = ImageStoreKind | 'podman'

export interface ModelContainer {
  id: string
  imageId: string
  /** Running, paused or restarting: the engine's IsRunning(). */
  running: boolean
}

export type ConflictKind =
  | 'child-image'
  | 'running-container'
  | 'stopped-container'
  | 'multiple-references'
  /** Named by its only tag while a container uses the image (the engine's own check). */
  | 'reference-in-use'
  | 'not-found'

export interface Conflict {
  kind: ConflictKind
  /** Hard conflicts fail even with force. */
  hard: boolean
  /** The engine's message, in its words. */
  message: string
  containerId?: string
}

export interface DeleteOutcome {
  untagged: string[]
  /** Image IDs deleted, the named one first, then parents removed by the parent walk. */
  deleted: string[]
  /** Podman only: containers its forced delete stops and removes with the image (podman#25871). */
  removedContainers?: string[]
}

export type DeleteResult = { ok: true; outcome: DeleteOutcome } | { ok: false; conflict: Conflict }

interface ModelImage {
  id: string
  parentId: string | null
  refs: string[]
  /** Podman's names (its `RepoTags`): its `RepoDigests` are derived from them, not names. */
  names: string[]
}

/** The key of a reference: `docker.io/x:1` (as Podman lists it) and `x:1` are one reference. */
const refKey = (ref: string) => normalizeReference(ref) ?? ref

const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12)

export class EngineModel {
  private readonly images = new Map<string, ModelImage>()
  private readonly childrenOf = new Map<string, Set<string>>()
  private readonly containers = new Map<string, ModelContainer>()
  /** Reference → image ID: every delete by reference resolves one. */
  private readonly imageByRef = new Map<string, string>()
  /** Containers by image ID: every delete asks which containers use an image. */
  private readonly containersByImage = new Map<string, ModelContainer[]>()

  constructor(readonly store: EngineRules) {}

  static from(
    store: EngineRules,
    images: { id: string; parentId: string | null; tags: string[]; digests: string[] }[],
    containers: ModelContainer[],
  ): EngineModel {
    const model = new EngineModel(store)
    for (const image of images) {
      const refs = [...new Set([...image.tags, ...image.digests])]
      const names = [...image.tags]
      model.images.set(image.id, { id: image.id, parentId: image.parentId, refs, names })
      for (const ref of refs) model.imageByRef.set(refKey(ref), image.id)
    }
    for (const image of images) {
      if (image.parentId && model.images.has(image.parentId))
        model.childSet(image.parentId).add(image.id)
    }
    for (const container of containers) model.addContainer({ ...container })
    return model
  }

  clone(): EngineModel {
    const copy = new EngineModel(this.store)
    for (const [id, image] of this.images)
      copy.images.set(id, { ...image, refs: [...image.refs], names: [...image.names] })
    for (const [ref, id] of this.imageByRef) copy.imageByRef.set(ref, id)
    for (const [id, children] of this.childrenOf) copy.childrenOf.set(id, new Set(children))
    for (const container of this.containers.values()) copy.addContainer({ ...container })
    return copy
  }

  has(imageId: string): boolean {
    return this.images.has(imageId)
  }

  refsOf(imageId: string): string[] {
    return [...(this.images.get(imageId)?.refs ?? [])]
  }

  children(imageId: string): string[] {
    return [...(this.childrenOf.get(imageId) ?? [])]
  }

  containersUsing(imageId: string): ModelContainer[] {
    return this.containersByImage.get(imageId) ?? []
  }

  removeContainer(containerId: string): boolean {
    const container = this.containers.get(containerId)
    if (!container) return false
    this.containers.delete(containerId)
    const users = (this.containersByImage.get(container.imageId) ?? []).filter(
      (c) => c.id !== containerId,
    )
    this.containersByImage.set(container.imageId, users)
    return true
  }

  private addContainer(container: ModelContainer): void {
    this.containers.set(container.id, container)
    this.containersByImage.set(container.imageId, [
      ...(this.containersByImage.get(container.imageId) ?? []),
      container,
    ])
  }

  /** The image a name resolves to, as the engine's GetImage does: reference first, then ID.
   * Podman tries a short name under `localhost/` first (its local builds and loads). */
  resolve(name: string): string | null {
    if (/^(sha256:)?[a-f0-9]{64}$/.test(name)) {
      const id = name.startsWith('sha256:') ? name : `sha256:${name}`
      return this.images.has(id) ? id : null
    }
    const candidates = this.store === 'podman' ? podmanCandidates(name) : [normalizeReference(name)]
    for (const ref of candidates) {
      const byRef = ref ? this.imageByRef.get(ref) : undefined
      if (byRef) return byRef
    }
    const matches = [...this.images.keys()].filter((id) =>
      isImageIdPrefix(id, name.replace(/^sha256:/, '')),
    )
    return matches.length === 1 ? matches[0]! : null
  }

  /** `DELETE /images/{name}?force=&noprune=`: mutates the model when the engine would succeed. */
  delete(name: string, options: { force: boolean; prune: boolean }): DeleteResult {
    const imageId = this.resolve(name)
    if (!imageId) {
      return {
        ok: false,
        conflict: { kind: 'not-found', hard: true, message: `No such image: ${name}` },
      }
    }
    const image = this.images.get(imageId)!
    if (this.store === 'podman') return this.deletePodman(name, image, options.force)
    const untagged: string[] = []
    let removedRepositoryRef = false

    if (!isImageIdPrefix(imageId, name)) {
      const ref = this.rawRef(image, name)
      const using = this.containersUsing(imageId)[0]
      if (!options.force && this.isSingleReference(image.refs) && using) {
        return {
          ok: false,
          conflict: {
            kind: 'reference-in-use',
            hard: false,
            containerId: using.id,
            message: `conflict: unable to remove repository reference "${name}" (must force) - container ${short(using.id)} is using its referenced image ${short(imageId)}`,
          },
        }
      }
      this.removeRef(image, ref)
      untagged.push(ref)
      if (!isDigestReference(ref)) {
        const repository = repositoryOf(ref)
        const sameRepoTag = image.refs.some(
          (r) => !isDigestReference(r) && repositoryOf(r) === repository,
        )
        if (!sameRepoTag) {
          for (const digestRef of image.refs.filter(
            (r) => isDigestReference(r) && repositoryOf(r) === repository,
          )) {
            this.removeRef(image, digestRef)
            untagged.push(digestRef)
          }
        }
      }
      if (image.refs.length > 0) return { ok: true, outcome: { untagged, deleted: [] } }
      // containerd store: a forced untag of an image any container uses keeps it, dangling.
      if (
        this.store === 'containerd' &&
        options.force &&
        this.containersUsing(imageId).length > 0
      ) {
        return { ok: true, outcome: { untagged, deleted: [] } }
      }
      removedRepositoryRef = true
    } else if (this.isSingleReference(image.refs)) {
      const conflict = this.conflictFor(imageId, {
        hard: true,
        activeReference: false,
        stoppedContainer: !options.force,
      })
      if (conflict) return { ok: false, conflict }
      untagged.push(...image.refs)
      for (const ref of image.refs) this.imageByRef.delete(refKey(ref))
      image.refs = []
    }

    const deleted: string[] = []
    const result = this.deleteHelper(
      imageId,
      untagged,
      deleted,
      options.force,
      options.prune,
      removedRepositoryRef,
    )
    if (result) return { ok: false, conflict: result }
    return { ok: true, outcome: { untagged, deleted } }
  }

  private deleteHelper(
    imageId: string,
    untagged: string[],
    deleted: string[],
    force: boolean,
    prune: boolean,
    quiet: boolean,
  ): Conflict | null {
    const conflict = this.conflictFor(imageId, {
      hard: true,
      activeReference: !force,
      stoppedContainer: !force,
    })
    if (conflict) {
      // The engine stays quiet unless the image is dangling and unused, so the user hears of it.
      if (
        quiet &&
        (!this.isDangling(imageId) ||
          conflict.kind === 'running-container' ||
          conflict.kind === 'stopped-container')
      ) {
        return null
      }
      return conflict
    }
    untagged.push(...this.images.get(imageId)!.refs)
    const image = this.drop(imageId)
    deleted.push(imageId)
    if (!prune || !image.parentId || !this.images.has(image.parentId)) return null
    return this.deleteHelper(image.parentId, untagged, deleted, false, true, true)
  }

  /** Removes an image and its references from the model. */
  private drop(imageId: string): ModelImage {
    const image = this.images.get(imageId)!
    for (const ref of image.refs) this.imageByRef.delete(refKey(ref))
    image.refs = []
    image.names = []
    this.images.delete(imageId)
    if (image.parentId) this.childrenOf.get(image.parentId)?.delete(imageId)
    this.childrenOf.delete(imageId)
    return image
  }

  /**
   * Podman (libimage `removeRecursive`, observed on 4.3): by a name while the image has other
   * names, only that name goes, containers or not; by a digest then, it fails ("tag not known":
   * its digests are derived, not names). By ID with several names it must be forced. Otherwise
   * the whole image goes: a container using it is a conflict, and `force` stops and removes those
   * containers. Child images never block (their layers stay). It then removes each parent left
   * without names and children, whatever `noprune` says, and fails there on a container (or,
   * forced, removes it).
   */
  private deletePodman(name: string, image: ModelImage, force: boolean): DeleteResult {
    const id = image.id
    const hex = id.replace(/^sha256:/, '')
    const byId = isImageIdPrefix(id, name)
    if (!byId && image.names.length > 1) {
      const ref = this.rawRef(image, name)
      if (!image.names.includes(ref)) {
        return {
          ok: false,
          conflict: { kind: 'not-found', hard: true, message: `${name}: tag not known` },
        }
      }
      this.removeRef(image, ref)
      const untagged = [ref]
      if (!image.names.some((n) => repositoryOf(n) === repositoryOf(ref))) {
        for (const derived of image.refs.filter(
          (r) => isDigestReference(r) && repositoryOf(r) === repositoryOf(ref),
        )) {
          this.removeRef(image, derived)
          untagged.push(derived)
        }
      }
      return { ok: true, outcome: { untagged, deleted: [] } }
    }
    if (byId && image.names.length > 1 && !force) {
      return {
        ok: false,
        conflict: {
          kind: 'multiple-references',
          hard: false,
          message: `unable to delete image "${hex}" by ID with more than one tag ([${image.names.join(' ')}]): please force removal`,
        },
      }
    }
    // The whole image, then each parent it leaves dangling.
    const chain = [id, ...this.podmanWalk(id)]
    const users = chain.flatMap((imageId) => this.containersUsing(imageId))
    if (users.length > 0 && !force) {
      const user = users.find((c) => c.imageId === id) ?? users[0]!
      const kind: ConflictKind =
        user.imageId !== id || byId
          ? user.running
            ? 'running-container'
            : 'stopped-container'
          : 'reference-in-use'
      const what =
        user.imageId === id ? `image ${name}` : `its untagged parent ${short(user.imageId)}`
      return {
        ok: false,
        conflict: {
          kind,
          hard: false,
          containerId: user.id,
          message: `${what} is in use: image used by ${user.id}: image is in use by a container`,
        },
      }
    }
    for (const container of users) this.removeContainer(container.id)
    const untagged = [...image.refs]
    for (const imageId of chain) this.drop(imageId)
    return {
      ok: true,
      outcome: { untagged, deleted: chain, removedContainers: users.map((c) => c.id) },
    }
  }

  /** Podman: the parents it removes after deleting this image (left without names or children). */
  podmanWalk(imageId: string): string[] {
    const walked: string[] = []
    let child = imageId
    let parent = this.images.get(imageId)?.parentId ?? null
    while (parent && this.images.has(parent)) {
      const p = this.images.get(parent)!
      const others = [...(this.childrenOf.get(parent) ?? [])].filter((c) => c !== child)
      if (p.names.length > 0 || p.refs.length > 0 || others.length > 0) break
      walked.push(parent)
      child = parent
      parent = p.parentId
    }
    return walked
  }

  /** The reference as the image holds it (`docker.io/x:1`) for a name given in any form (`x:1`). */
  private rawRef(image: ModelImage, name: string): string {
    const key = (
      this.store === 'podman' ? podmanCandidates(name) : [normalizeReference(name)]
    ).find((candidate) => candidate !== null && image.refs.some((ref) => refKey(ref) === candidate))
    return image.refs.find((ref) => refKey(ref) === key) ?? normalizeReference(name) ?? name
  }

  private conflictFor(
    imageId: string,
    mask: { hard: boolean; activeReference: boolean; stoppedContainer: boolean },
  ): Conflict | null {
    const id = short(imageId)
    if (
      mask.hard &&
      this.store === 'graphdriver' &&
      (this.childrenOf.get(imageId)?.size ?? 0) > 0
    ) {
      return {
        kind: 'child-image',
        hard: true,
        message: `conflict: unable to delete ${id} (cannot be forced) - image has dependent child images`,
      }
    }
    const users = this.containersUsing(imageId)
    const running = users.find((container) => container.running)
    if (mask.hard && running) {
      return {
        kind: 'running-container',
        hard: true,
        containerId: running.id,
        message: `conflict: unable to delete ${id} (cannot be forced) - image is being used by running container ${short(running.id)}`,
      }
    }
    if (mask.activeReference && (this.images.get(imageId)?.refs.length ?? 0) > 0) {
      return {
        kind: 'multiple-references',
        hard: false,
        message: `conflict: unable to delete ${id} (must be forced) - image is referenced in multiple repositories`,
      }
    }
    const stopped = users.find((container) => !container.running)
    if (mask.stoppedContainer && stopped) {
      return {
        kind: 'stopped-container',
        hard: false,
        containerId: stopped.id,
        message: `conflict: unable to delete ${id} (must be forced) - image is being used by stopped container ${short(stopped.id)}`,
      }
    }
    return null
  }

  private isDangling(imageId: string): boolean {
    const refs = this.images.get(imageId)?.refs.length ?? 0
    return refs === 0 && (this.childrenOf.get(imageId)?.size ?? 0) === 0
  }

  /** At most one tag, and every reference in one repository (moby's isSingleReference). */
  private isSingleReference(refs: string[]): boolean {
    if (refs.length <= 1) return refs.length === 1
    const tags = refs.filter((ref) => !isDigestReference(ref))
    if (tags.length > 1) return false
    const repositories = new Set(refs.map(repositoryOf))
    return repositories.size === 1
  }

  private removeRef(image: ModelImage, ref: string): void {
    image.refs = image.refs.filter((existing) => existing !== ref)
    image.names = image.names.filter((existing) => existing !== ref)
    this.imageByRef.delete(refKey(ref))
  }

  private childSet(imageId: string): Set<string> {
    let set = this.childrenOf.get(imageId)
    if (!set) {
      set = new Set()
      this.childrenOf.set(imageId, set)
    }
    return set
  }
}
