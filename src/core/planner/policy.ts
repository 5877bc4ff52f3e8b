/**
 * Which images a bulk selection (--dangling, --unused, --keep-last, with filters and protection)
 * removes. Decided as a fixpoint: an image goes when the selection wants it, nothing protects or
 * filters it, no container uses it, and every child image goes too — the same set the engine's
 * prune reaches with its parent walk, minus what Drydock promises never to touch.
 */
import type { Blocker, Selection } from '../../shared/cleanup'
import { parseDuration } from '../../shared/cleanup'
import type { ImageRecord } from '../engine/inventory'
import type { DependencyGraph } from './graph'
import { isRunning } from './graph'
import type { LastUse } from './last-used'
import { globToRegExp, repositoryOf } from './references'

export type BulkIntent =
  | { kind: 'delete'; reason: string }
  | { kind: 'untag'; refs: string[]; reason: string }
  | { kind: 'blocked'; reason: string; blockers: Blocker[] }
  | { kind: 'keep'; reason: string; blockers: Blocker[] }

export interface ProtectionRules {
  protects(image: Pick<ImageRecord, 'id' | 'tags' | 'digests' | 'labels'>): Blocker | null
}

/**
 * A protected pattern as people write it: `postgres` (no tag) is every tag of that repository,
 * and `docker.io/library/postgres` and `postgres` are one name. Matched against each reference in
 * its short form; a pattern that cannot be read as a glob matches itself literally (a typo must
 * not drop protection).
 */
function protectPattern(glob: string): RegExp {
  const short = shortName(glob)
  // A tag is a `:` after the last `/` (a registry's port comes before it), or a digest.
  const name = short.slice(short.lastIndexOf('/') + 1)
  const wholeRepository = !short.includes('@') && !/[:*?]/.test(name)
  try {
    return globToRegExp(short, wholeRepository)
  } catch {
    return new RegExp(`^${short.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)
  }
}

/**
 * `docker.io/library/x` and `docker.io/x` are what `x` means; so is `localhost/x`, the name Podman
 * gives an image loaded or built as `x` (so `app:*` protects Podman's `localhost/app:1`, and
 * `localhost/app` protects `app` too: protection errs on the side of keeping).
 */
export function shortName(ref: string): string {
  return ref.replace(/^(?:(?:docker\.io|index\.docker\.io)\/(?:library\/)?|localhost\/)/, '')
}

export function protectionRules(
  selection: Pick<Selection, 'protect' | 'protectLabels'>,
): ProtectionRules {
  const globs = selection.protect.map((glob) => ({ glob, pattern: protectPattern(glob) }))
  const labels = selection.protectLabels.map((rule) => {
    const eq = rule.indexOf('=')
    return eq < 0
      ? { rule, key: rule, value: null }
      : { rule, key: rule.slice(0, eq), value: rule.slice(eq + 1) }
  })
  return {
    protects(image) {
      for (const { glob, pattern } of globs) {
        const ref = [...image.tags, ...image.digests].find((candidate) =>
          pattern.test(shortName(candidate)),
        )
        if (ref) return { kind: 'protected', ref: `${ref} matches --protect ${glob}` }
        // An image ID (full, or 12+ hex characters) protects an image with no tag to match.
        if (isIdOf(glob, image.id)) return { kind: 'protected', ref: `image ID ${glob}` }
      }
      for (const { rule, key, value } of labels) {
        const actual = image.labels[key]
        if (actual !== undefined && (value === null || actual === value)) {
          return {
            kind: 'protected',
            ref: `label ${key}=${actual} matches --protect-label ${rule}`,
          }
        }
      }
      return null
    },
  }
}

function isIdOf(text: string, imageId: string): boolean {
  const hex = text.replace(/^sha256:/, '')
  return /^[0-9a-f]{12,64}$/.test(hex) && imageId.replace(/^sha256:/, '').startsWith(hex)
}

/** Tags beyond the N newest of each repository (newest by image build time). */
export function expiredTags(images: Iterable<ImageRecord>, keepLast: number): Set<string> {
  const byRepository = new Map<string, { tag: string; created: number }[]>()
  for (const image of images) {
    for (const tag of image.tags) {
      const repository = repositoryOf(tag)
      const list = byRepository.get(repository) ?? []
      list.push({ tag, created: image.created })
      byRepository.set(repository, list)
    }
  }
  const expired = new Set<string>()
  for (const list of byRepository.values()) {
    // Equal build times: the higher version-like tag counts as newer (app:10 after app:9).
    list.sort(
      (a, b) => b.created - a.created || b.tag.localeCompare(a.tag, 'en', { numeric: true }),
    )
    for (const entry of list.slice(keepLast)) expired.add(entry.tag)
  }
  return expired
}

/** The containers that hold the image, leaving out those the same plan removes first. */
function containerBlockers(
  graph: DependencyGraph,
  imageId: string,
  going: ReadonlySet<string> = NONE,
): Blocker[] {
  return graph
    .containers(imageId)
    .filter((container) => !going.has(container.id))
    .map((container) => ({
      kind: isRunning(container) ? 'running-container' : 'stopped-container',
      ref: container.name,
    }))
}

const NONE: ReadonlySet<string> = new Set()

/**
 * `goingContainers`: containers the same plan removes before its images (--stopped-containers,
 * --system). An image only they use is unused once they are gone, as `docker system prune -a`
 * removes the stopped containers first and then the images they freed.
 */
export function decideBulk(
  graph: DependencyGraph,
  selection: Selection,
  now: Date,
  lastUse: (imageId: string) => LastUse = (id) => ({
    at: (graph.images.get(id)?.created ?? 0) * 1000,
    source: 'created',
  }),
  goingContainers: ReadonlySet<string> = NONE,
): Map<string, BulkIntent> {
  const protection = protectionRules(selection)
  const olderThan = selection.olderThan ? parseDuration(selection.olderThan)! : null
  const cutoff = olderThan === null ? null : now.getTime() / 1000 - olderThan
  const unusedFor = selection.unusedFor ? parseDuration(selection.unusedFor)! : null
  const usedCutoff = unusedFor === null ? null : now.getTime() - unusedFor * 1000
  const expired =
    selection.keepLast === null ? null : expiredTags(graph.images.values(), selection.keepLast)

  // The engine's prune candidates: untagged images with children are intermediate build steps,
  // never candidates themselves; they go through the parent walk when their last child goes.
  const inBase = (image: ImageRecord): boolean => {
    const intermediate = image.tags.length === 0 && graph.children(image.id).length > 0
    if (intermediate) return false
    if (selection.unused) return true
    if (selection.dangling && image.tags.length === 0) return true
    return expired !== null && image.tags.some((tag) => expired.has(tag))
  }
  /** A reason to keep the image whole, or null when policy lets it go. */
  const policyKeep = (image: ImageRecord): { reason: string; blockers: Blocker[] } | null => {
    const protectedBy = protection.protects(image)
    if (protectedBy) return { reason: `protected: ${protectedBy.ref}`, blockers: [protectedBy] }
    if (cutoff !== null && image.created > cutoff) {
      const ref = `built ${new Date(image.created * 1000).toISOString().slice(0, 10)}, within --older-than ${selection.olderThan}`
      return { reason: `too recent: ${ref}`, blockers: [{ kind: 'filtered', ref }] }
    }
    if (usedCutoff !== null) {
      const use = lastUse(image.id)
      if (use.at > usedCutoff) {
        const when = new Date(use.at).toISOString().slice(0, 10)
        const how =
          use.source === 'created' ? 'built' : use.source === 'child' ? 'used by a child' : 'used'
        const ref = `${how} ${when}, within --unused-for ${selection.unusedFor}`
        return { reason: `recently used: ${ref}`, blockers: [{ kind: 'filtered', ref }] }
      }
    }
    if (expired !== null) {
      const kept = image.tags.filter((tag) => !expired.has(tag))
      if (kept.length > 0) {
        const ref = `${kept.join(', ')} among the ${selection.keepLast} newest of ${repositoryOf(kept[0]!)}`
        return { reason: `kept by --keep-last: ${ref}`, blockers: [{ kind: 'filtered', ref }] }
      }
    }
    return null
  }

  const candidates = [...graph.images.values()].filter(inBase)
  const intents = new Map<string, BulkIntent>()
  const going = new Set<string>()
  // Children are decided before parents; a parent outside the base set still goes when its last
  // child goes and it is untagged (the engine's parent walk).
  const order = graph.childrenFirst(graph.images.keys())
  const candidateIds = new Set(candidates.map((image) => image.id))
  for (const id of order) {
    const image = graph.images.get(id)!
    const walkedParent =
      !candidateIds.has(id) && image.tags.length === 0 && image.digests.length === 0
    if (!candidateIds.has(id) && !walkedParent) continue
    const children = graph.children(id)
    if (walkedParent && (children.length === 0 || !children.every((child) => going.has(child))))
      continue

    const keep = policyKeep(image)
    if (keep) {
      intents.set(id, { kind: 'keep', ...keep })
      continue
    }
    const users = containerBlockers(graph, id, goingContainers)
    if (users.length > 0) {
      intents.set(id, {
        kind: 'blocked',
        reason: `used by ${users.length === 1 ? 'a container' : `${users.length} containers`}; Drydock never removes or untags an image a container uses`,
        blockers: users,
      })
      continue
    }
    const staying = children.filter((child) => !going.has(child))
    if (staying.length > 0) {
      intents.set(id, {
        kind: 'blocked',
        reason: 'image has dependent child images that stay',
        blockers: staying.map((child) => ({ kind: 'child-image', ref: labelOf(graph, child) })),
      })
      continue
    }
    going.add(id)
    intents.set(id, {
      kind: 'delete',
      reason: walkedParent
        ? 'untagged parent of a removed image (the engine removes it with its last child)'
        : graph.containers(id).length > 0
          ? `${image.tags.length === 0 ? 'dangling' : 'unused'} once the containers that used it are removed (listed first)`
          : image.tags.length === 0
            ? 'dangling: no tag, no child image, no container'
            : 'unused: no container and no child image needs it',
    })
  }

  // --keep-last on its own also untags expired tags of images that keep a newer tag.
  if (expired !== null && !selection.unused && !selection.dangling) {
    for (const image of candidates) {
      const intent = intents.get(image.id)
      if (intent?.kind !== 'keep' || intent.blockers[0]?.kind !== 'filtered') continue
      if (protection.protects(image)) continue
      const refs = image.tags.filter((tag) => expired.has(tag))
      if (refs.length === 0 || (cutoff !== null && image.created > cutoff)) continue
      const users = containerBlockers(graph, image.id, goingContainers)
      if (users.length > 0) continue
      intents.set(image.id, {
        kind: 'untag',
        refs,
        reason: `older than the ${selection.keepLast} newest tags of its repository; newer tags stay`,
      })
    }
  }
  return intents
}

export function labelOf(graph: DependencyGraph, imageId: string): string {
  const image = graph.images.get(imageId)
  return image?.tags[0] ?? image?.digests[0] ?? imageId.replace(/^sha256:/, '').slice(0, 12)
}
