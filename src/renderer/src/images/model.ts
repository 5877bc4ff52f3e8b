/**
 * The Images table's rows: each ImageView with the figures and flags the table sorts, filters and
 * shows, computed once per inventory rather than once per render.
 */
import { shortId } from '../../../shared/format'
import type { ImageView } from '../../../shared/images'

export const STATUSES = [
  'running',
  'stopped',
  'children',
  'multi-tag',
  'dangling',
  'protected',
] as const

export type ImageStatus = (typeof STATUSES)[number]

/** Chip text, and the sentence its tooltip and filter button use. */
export const STATUS_TEXT: Record<ImageStatus, { chip: string; description: string }> = {
  running: { chip: 'Running', description: 'Used by a running container' },
  stopped: { chip: 'Stopped', description: 'Used by a stopped container' },
  children: { chip: 'Has children', description: 'Other images are built on it' },
  'multi-tag': { chip: 'Several tags', description: 'Has more than one tag' },
  dangling: { chip: 'Dangling', description: 'No tag and no child image' },
  protected: { chip: 'Protected', description: 'Protected in Settings: no cleanup touches it' },
}

export interface ImageRow {
  image: ImageView
  /** What the row is called: its first tag, else its first digest, else `<none>`. */
  reference: string
  shortId: string
  /** Bytes in layers other images or containers hold too. */
  sharedSize: number
  createdAt: number
  lastUsedAt: number
  statuses: ImageStatus[]
}

/** The engine's running-like states (as the planner counts them). */
export function isRunningState(state: string): boolean {
  return state === 'running' || state === 'paused' || state === 'restarting'
}

export function referenceOf(image: Pick<ImageView, 'tags' | 'digests'>): string {
  return image.tags[0] ?? image.digests[0] ?? '<none>'
}

export function statusesOf(image: ImageView): ImageStatus[] {
  const statuses: ImageStatus[] = []
  if (image.containers.some((c) => isRunningState(c.state))) statuses.push('running')
  if (image.containers.some((c) => !isRunningState(c.state))) statuses.push('stopped')
  if (image.children.length > 0) statuses.push('children')
  if (image.tags.length > 1) statuses.push('multi-tag')
  if (image.dangling) statuses.push('dangling')
  if (image.protected) statuses.push('protected')
  return statuses
}

export function toRow(image: ImageView): ImageRow {
  return {
    image,
    reference: referenceOf(image),
    shortId: shortId(image.id),
    sharedSize: Math.max(0, image.size - image.uniqueSize),
    createdAt: Date.parse(image.created),
    lastUsedAt: Date.parse(image.lastUsed),
    statuses: statusesOf(image),
  }
}

// Built when the filter box is first used, not with the rows: on a page of 10,000 images that is
// 1.4 MB the load would otherwise leave for the first collection during a scroll to copy.
const searchTexts = new WeakMap<ImageRow, string>()

/** Lower-cased text the filter box searches: references, ID, container names. */
export function searchTextOf(row: ImageRow): string {
  let text = searchTexts.get(row)
  if (text === undefined) {
    const { image } = row
    text = [image.id, ...image.tags, ...image.digests, ...image.containers.map((c) => c.name)]
      .join('\n')
      .toLowerCase()
    searchTexts.set(row, text)
  }
  return text
}

/** Sort key of the status column: the most binding status first (what stops a cleanup). */
export function statusRank(statuses: readonly ImageStatus[]): number {
  return statuses.reduce(
    (rank, status) => rank + 2 ** (STATUSES.length - STATUSES.indexOf(status)),
    0,
  )
}
