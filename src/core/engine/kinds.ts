/**
 * Volumes, build cache records, and the sizes of containers and volumes: what the planner needs
 * beyond images. Volumes come from `/volumes` (fast); build cache records and every size only
 * from `/system/df`, which walks each volume's files (slow on big ones), so callers choose how
 * fresh the sizes must be.
 */
import type Docker from 'dockerode'
import type { BuildCacheAnswer, SystemDf } from './disk-usage'
import { mapConcurrently } from './facts-reads'
import type { ContainerRecord } from './inventory'
import type { JsonGet } from './json-get'
import { isProbeLabelled } from './probe-image'

export interface VolumeRecord {
  name: string
  driver: string
  /** Unix seconds; null when the driver does not say. */
  created: number | null
  labels: Record<string, string>
  /** No one named it: made for a container by a `VOLUME` line or `-v /path`. */
  anonymous: boolean
}

export interface BuildCacheRecord {
  id: string
  parents: string[]
  type: string
  description: string
  inUse: boolean
  /** The engine says its data is also held outside the cache (an image's layer). */
  shared: boolean
  size: number
  /** Unix milliseconds. */
  created: number
  /** As the engine writes it (RFC 3339, nanoseconds): matched to image build times. */
  createdAt: string
  lastUsed: number | null
  usageCount: number
}

export interface KindsInventory {
  volumes: VolumeRecord[]
  /** null when the sizes (and so the build cache) were not read. */
  buildCache: BuildCacheRecord[] | null
  /** Writable-layer bytes by container ID, and content bytes by volume name, from `/system/df`. */
  containerSizes: Map<string, number>
  volumeSizes: Map<string, number>
  /** When those were read; null when they were not. */
  sizesAt: Date | null
}

/** Compose marks what it creates with its project's name. */
export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project'
/** Engine 23+ labels the anonymous volumes it creates. */
const ANONYMOUS_LABEL = 'com.docker.volume.anonymous'

interface VolumeAnswer {
  Name: string
  Driver?: string
  CreatedAt?: string
  Labels?: Record<string, string> | null
}

/** An anonymous volume's name is 64 hex digits the engine chose (older engines have no label). */
export function isAnonymousVolume(volume: {
  name: string
  labels: Record<string, string>
}): boolean {
  return ANONYMOUS_LABEL in volume.labels || /^[0-9a-f]{64}$/.test(volume.name)
}

/** `get`: the lean getter (json-get.ts, pipelined-get.ts), when there is one. */
export async function listVolumes(docker: Docker, get?: JsonGet | null): Promise<VolumeRecord[]> {
  return volumesOf(await (get ? get('/volumes') : docker.listVolumes()))
}

/** `/volumes`' answer as records. */
export function volumesOf(answer: unknown): VolumeRecord[] {
  return ((answer as { Volumes?: VolumeAnswer[] | null }).Volumes ?? []).map((volume) => {
    const labels = volume.Labels ?? {}
    const created = volume.CreatedAt ? Date.parse(volume.CreatedAt) : NaN
    return {
      name: volume.Name,
      driver: volume.Driver ?? 'local',
      created: Number.isNaN(created) ? null : Math.floor(created / 1000),
      labels,
      anonymous: isAnonymousVolume({ name: volume.Name, labels }),
    }
  })
}

function millis(text: string | null | undefined): number | null {
  if (!text) return null
  const at = Date.parse(text)
  // The engine writes 0001-01-01 for "never".
  return Number.isNaN(at) || at <= 0 ? null : at
}

export function buildCacheOf(df: SystemDf): BuildCacheRecord[] {
  return (df.BuildCache ?? []).flatMap((record: BuildCacheAnswer) =>
    record.ID
      ? [
          {
            id: record.ID,
            parents: record.Parents ?? (record.Parent ? [record.Parent] : []),
            type: record.Type ?? 'regular',
            description: record.Description ?? '',
            inUse: record.InUse ?? false,
            shared: record.Shared ?? false,
            size: Math.max(0, record.Size ?? 0),
            created: millis(record.CreatedAt) ?? 0,
            createdAt: record.CreatedAt ?? '',
            lastUsed: millis(record.LastUsedAt),
            usageCount: record.UsageCount ?? 0,
          },
        ]
      : [],
  )
}

export function sizesOf(df: SystemDf): Pick<KindsInventory, 'containerSizes' | 'volumeSizes'> {
  return {
    containerSizes: new Map(
      (df.Containers ?? []).flatMap((c) =>
        c.Id && !isProbeLabelled(c.Labels) ? [[c.Id, Math.max(0, c.SizeRw ?? 0)]] : [],
      ),
    ),
    volumeSizes: new Map(
      (df.Volumes ?? []).flatMap((v) =>
        v.Name && (v.UsageData?.Size ?? -1) >= 0 ? [[v.Name, v.UsageData!.Size!]] : [],
      ),
    ),
  }
}

/** When each stopped container stopped (unix seconds): only `inspect` says. */
export async function exitTimes(
  docker: Docker,
  containers: ContainerRecord[],
): Promise<Map<string, number>> {
  const stopped = containers.filter((c) => c.state === 'exited' || c.state === 'dead')
  const times = await mapConcurrently(stopped, 16, async (container) => {
    try {
      const inspected = (await docker.getContainer(container.id).inspect()) as {
        State?: { FinishedAt?: string }
      }
      const at = millis(inspected.State?.FinishedAt)
      return at === null ? null : ([container.id, Math.floor(at / 1000)] as const)
    } catch {
      return null // removed meanwhile
    }
  })
  return new Map(times.filter((entry): entry is readonly [string, number] => entry !== null))
}
