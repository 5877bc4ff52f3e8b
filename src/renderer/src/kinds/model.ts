/**
 * The rows of the Containers, Volumes and Build cache tables: each view from the core with the
 * figures and flags the tables sort, filter and show, computed once per list.
 */
import { shortId } from '../../../shared/format'
import type { BuildCacheView, ContainerView, VolumeView } from '../../../shared/kinds'

export const KIND_CHIPS = [
  'running',
  'stopped',
  'named',
  'anonymous',
  'in-use',
  'unused',
  'shared',
] as const

export type KindChip = (typeof KIND_CHIPS)[number]

/** The chips each table can show, in the order its filter buttons list them. */
export const CONTAINER_CHIPS = ['running', 'stopped'] as const satisfies readonly KindChip[]
export const VOLUME_CHIPS = [
  'named',
  'anonymous',
  'in-use',
  'unused',
] as const satisfies readonly KindChip[]
export const CACHE_CHIPS = ['in-use', 'shared'] as const satisfies readonly KindChip[]

/** Chip text, and the sentence its tooltip and filter button use, per table. */
export const CHIP_TEXT: Record<KindChip, { chip: string; description: string }> = {
  running: { chip: 'Running', description: 'Running (or paused, or restarting)' },
  stopped: { chip: 'Stopped', description: 'Not running: exited, created or dead' },
  named: {
    chip: 'Named',
    description: 'Someone named it to keep its data: only removed when chosen by name',
  },
  anonymous: {
    chip: 'Anonymous',
    description: 'Made for a container without a name; no one chose to keep it',
  },
  'in-use': { chip: 'In use', description: 'In use: a container mounts it, or a build uses it' },
  unused: { chip: 'Unused', description: 'No container mounts it' },
  shared: {
    chip: 'Shared',
    description: 'Its data is also an image’s layer: removing the record alone frees nothing',
  },
}

/** Compose projects filter value for "no project". */
export const NO_PROJECT = '\u0000none'

export interface KindRow {
  /** The row's key: a container's ID, a volume's name, a build cache record's ID. */
  id: string
  /** What the row is called (a container's or volume's name, a record's description). */
  name: string
  chips: KindChip[]
  project: string | null
  /** Bytes; null when not measured yet. */
  size: number | null
  /** Lower-cased text the filter box searches. */
  search: string
}

export interface ContainerRow extends KindRow {
  container: ContainerView
  createdAt: number
  /** When it stopped (ms); null while it runs or if never known. */
  finishedAt: number | null
}

export interface VolumeRow extends KindRow {
  volume: VolumeView
  createdAt: number | null
}

export interface CacheRow extends KindRow {
  record: BuildCacheView
  createdAt: number
  lastUsedAt: number | null
}

/** The engine's running-like states (as the planner counts them). */
function isRunning(state: string): boolean {
  return state === 'running' || state === 'paused' || state === 'restarting'
}

const time = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso))

const searchOf = (parts: (string | null | undefined)[]): string =>
  parts
    .filter((part): part is string => typeof part === 'string' && part !== '')
    .join('\n')
    .toLowerCase()

export function toContainerRow(container: ContainerView): ContainerRow {
  const running = container.running || isRunning(container.state)
  return {
    id: container.id,
    name: container.name,
    chips: [running ? 'running' : 'stopped'],
    project: container.composeProject,
    size: container.sizeRw,
    search: searchOf([
      container.id,
      container.name,
      container.image,
      container.imageId,
      container.composeProject,
      ...container.volumes.map((mount) => mount.name),
    ]),
    container,
    createdAt: Date.parse(container.created),
    finishedAt: running ? null : time(container.finishedAt),
  }
}

/** An anonymous volume's name is 64 hex digits: shown shortened, like an ID. */
export function volumeLabel(volume: Pick<VolumeView, 'name' | 'anonymous'>): string {
  return volume.anonymous ? shortId(volume.name) : volume.name
}

export function toVolumeRow(volume: VolumeView): VolumeRow {
  return {
    id: volume.name,
    name: volume.name,
    chips: [
      volume.anonymous ? 'anonymous' : 'named',
      volume.mountedBy.length > 0 ? 'in-use' : 'unused',
    ],
    project: volume.composeProject,
    size: volume.size,
    search: searchOf([
      volume.name,
      volume.driver,
      volume.composeProject,
      ...volume.mountedBy.map((container) => container.name),
    ]),
    volume,
    createdAt: time(volume.created),
  }
}

export function toCacheRow(record: BuildCacheView): CacheRow {
  const chips: KindChip[] = []
  if (record.inUse) chips.push('in-use')
  if (record.shared) chips.push('shared')
  return {
    id: record.id,
    name: record.description || record.type,
    chips,
    project: null,
    size: record.size,
    search: searchOf([record.id, record.description, record.type]),
    record,
    createdAt: Date.parse(record.created),
    lastUsedAt: time(record.lastUsed),
  }
}

/** The compose projects of the rows, sorted; for the project filter. */
export function projectsOf(rows: readonly KindRow[]): string[] {
  return [...new Set(rows.flatMap((row) => (row.project ? [row.project] : [])))].sort((a, b) =>
    a.localeCompare(b),
  )
}

/** Rows matching the project filter: a project's name, NO_PROJECT, or '' for every row. */
export function matchesProject(row: Pick<KindRow, 'project'>, filter: string): boolean {
  if (filter === '') return true
  if (filter === NO_PROJECT) return row.project === null
  return row.project === filter
}

/** How many rows carry each chip. */
export function chipCounts(rows: readonly KindRow[]): Record<KindChip, number> {
  const counts = Object.fromEntries(KIND_CHIPS.map((chip) => [chip, 0])) as Record<KindChip, number>
  for (const row of rows) for (const chip of row.chips) counts[chip] += 1
  return counts
}

/** Sort key of a chips column: the most binding chip first. */
export function chipRank(chips: readonly KindChip[]): number {
  return chips.reduce((rank, chip) => rank + 2 ** (KIND_CHIPS.length - KIND_CHIPS.indexOf(chip)), 0)
}

/** Total of the known sizes, and how many rows have none yet. */
export function sizeTotal(rows: readonly KindRow[]): { bytes: number; unknown: number } {
  let bytes = 0
  let unknown = 0
  for (const row of rows) {
    if (row.size === null) unknown += 1
    else bytes += row.size
  }
  return { bytes, unknown }
}
