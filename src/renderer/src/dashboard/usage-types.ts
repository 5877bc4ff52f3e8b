/** The four kinds of disk usage, in the order every tile, chart and tooltip lists them. */
import { formatAge } from '../../../shared/format'
import type { DiskUsage, LatestUsage, Reclaimable } from '../../../shared/usage'
import { cleanupHash } from '../cleanup/request'

export const USAGE_TYPES = [
  {
    id: 'images',
    label: 'Images',
    bytes: 'imagesBytes',
    color: 'var(--chart-images)',
    reclaimNote: 'in images no container uses',
    cleanup: cleanupHash({ kind: 'policy', policy: { kind: 'unused' } }),
    cleanupTitle: 'Preview removing every image no container uses',
  },
  {
    id: 'containers',
    label: 'Containers',
    bytes: 'containersBytes',
    color: 'var(--chart-containers)',
    reclaimNote: 'in stopped containers',
    cleanup: cleanupHash({ kind: 'selection', targets: { stoppedContainers: true } }),
    cleanupTitle: 'Preview removing every container that is not running',
  },
  {
    id: 'volumes',
    label: 'Volumes',
    bytes: 'volumesBytes',
    color: 'var(--chart-volumes)',
    reclaimNote: 'in volumes no container mounts',
    cleanup: cleanupHash({ kind: 'selection', targets: { unusedVolumes: true } }),
    cleanupTitle: 'Preview removing the anonymous volumes no container mounts (never named ones)',
  },
  {
    id: 'build-cache',
    label: 'Build cache',
    bytes: 'buildCacheBytes',
    color: 'var(--chart-build-cache)',
    reclaimNote: 'of build cache not in use',
    cleanup: cleanupHash({ kind: 'selection', targets: { buildCache: true } }),
    cleanupTitle: 'Preview removing the build cache no build is using',
  },
] as const satisfies readonly {
  id: string
  label: string
  bytes: keyof DiskUsage & keyof Reclaimable
  color: string
  reclaimNote: string
  /** The preview of this kind's own cleanup ("Clean up…"). */
  cleanup: string
  cleanupTitle: string
}[]

export type UsageType = (typeof USAGE_TYPES)[number]

export function dockerTotal(usage: Pick<DiskUsage, UsageType['bytes']>): number {
  return USAGE_TYPES.reduce((sum, type) => sum + usage[type.bytes], 0)
}

export function countNote(type: UsageType, usage: DiskUsage): string {
  const n = (count: number, one: string): string =>
    `${count.toLocaleString()} ${count === 1 ? one : `${one}s`}`
  switch (type.id) {
    case 'images':
      return n(usage.imageCount, 'image')
    case 'containers':
      return n(usage.containerCount, 'container')
    case 'volumes':
      return `${n(usage.volumeCount, 'volume')} · ${usage.unusedVolumeCount.toLocaleString()} unused`
    case 'build-cache':
      return 'Builder cache'
  }
}

/** Says a figure is the log's last sample, and how old: the engine's own follows. */
export function cachedNote(cached: LatestUsage): string {
  return `Last sample, ${formatAge(new Date(cached.at), new Date())}`
}
