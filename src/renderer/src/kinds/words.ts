/** Words for the four kinds of things Drydock removes, shared by every page that lists them. */
import { ITEM_KINDS, type ItemKind } from '../../../shared/item-kinds'
import type { PolicyKinds } from '../../../shared/settings'

export { ITEM_KINDS, type ItemKind }

/** Singular and plural nouns. */
export const KIND_NOUNS: Record<ItemKind, [string, string]> = {
  image: ['image', 'images'],
  container: ['container', 'containers'],
  volume: ['volume', 'volumes'],
  'build-cache': ['build cache record', 'build cache records'],
}

/** Headings: a page's title, a plan group's name. */
export const KIND_TITLES: Record<ItemKind, string> = {
  image: 'Images',
  container: 'Containers',
  volume: 'Volumes',
  'build-cache': 'Build cache',
}

/** Each kind's page. */
export const KIND_ROUTES: Record<ItemKind, string> = {
  image: '#/images',
  container: '#/containers',
  volume: '#/volumes',
  'build-cache': '#/build-cache',
}

export function countOf(count: number, kind: ItemKind): string {
  return `${count.toLocaleString()} ${KIND_NOUNS[kind][count === 1 ? 0 : 1]}`
}

/** "2 containers and 1 volume": the kinds present, in the plan's order; "nothing" for none. */
export function describeCounts(items: readonly { kind: ItemKind }[]): string {
  const parts = ITEM_KINDS.map(
    (kind) => [kind, items.filter((i) => i.kind === kind).length] as const,
  )
    .filter(([, count]) => count > 0)
    .map(([kind, count]) => countOf(count, kind))
  if (parts.length === 0) return 'nothing'
  if (parts.length === 1) return parts[0]!
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`
}

/** "items" for a mix, else the one kind's plural noun. */
export function nounFor(items: readonly { kind: ItemKind }[], count: number): string {
  const kinds = new Set(items.map((item) => item.kind))
  if (kinds.size === 1) {
    const [kind] = kinds
    return KIND_NOUNS[kind!][count === 1 ? 0 : 1]
  }
  return count === 1 ? 'item' : 'items'
}

/** What "Clean up safely" removes besides images, in words ("" when nothing). */
export function describePolicyKinds(kinds: PolicyKinds): string {
  const parts = [
    kinds.stoppedContainers ? 'stopped containers' : null,
    kinds.buildCache ? 'unused build cache' : null,
    kinds.unusedVolumes ? 'unused anonymous volumes' : null,
  ].filter((part): part is string => part !== null)
  if (parts.length === 0) return ''
  if (parts.length === 1) return parts[0]!
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`
}
