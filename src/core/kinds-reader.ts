/**
 * Volumes, BuildKit's records and sizes, for an inventory read (connection-manager.ts): all of
 * them from one `/system/df` (`fresh`, `cached`), or without it (`lean`: the records over
 * BuildKit's own API, the containers' sizes listed with them, the volumes from `/volumes`).
 */
import type { EngineConnection } from './engine/connection'
import { canReadBuildCacheOverGrpc, readBuildCacheOverGrpc } from './engine/build-cache-grpc'
import type { BuildCacheAnswer, SystemDf } from './engine/disk-usage'
import type { EarlyReads } from './engine/early-reads'
import type { Inventory } from './engine/inventory'
import { mayBeBuildKit } from './engine/layers'
import {
  buildCacheOf,
  listVolumes,
  sizesOf,
  volumesOf,
  type BuildCacheRecord,
  type KindsInventory,
  type VolumeRecord,
} from './engine/kinds'

/** How old cached sizes may be before a list refreshes them behind its answer. */
const SIZES_MAX_AGE_MS = 60_000

export async function readKinds(
  connection: EngineConnection,
  sizes: 'fresh' | 'cached',
): Promise<KindsInventory> {
  const [volumes, df] = await Promise.all([
    listVolumes(connection.docker, connection.getJson),
    sizes === 'fresh'
      ? connection.diskUsage.read().then((answer) => ({ df: answer, at: new Date() }))
      : Promise.resolve(connection.diskUsage.latest(SIZES_MAX_AGE_MS)),
  ])
  return {
    volumes,
    buildCache: df ? buildCacheOf(df.df) : null,
    ...(df ? sizesOf(df.df) : { containerSizes: new Map(), volumeSizes: new Map() }),
    sizesAt: df?.at ?? null,
  }
}

/** BuildKit's records, and the `/system/df` they came from when `/grpc` could not answer; the
 * volumes, asked for at the same time. */
export interface RecordsRead {
  records: BuildCacheRecord[]
  df: SystemDf | null
  volumes: VolumeRecord[]
}

/**
 * BuildKit's records: over its own API where the engine has one, else from `/system/df`.
 * `early`: the same request, already sent (the CLI's early reads).
 */
export async function readRecords(
  connection: EngineConnection,
  early: Pick<EarlyReads, 'buildCache' | 'volumes'> | null = null,
): Promise<RecordsRead> {
  const volumes = early?.volumes
    ? early.volumes.then((answer) => volumesOf(answer))
    : listVolumes(connection.docker, connection.getJson)
  volumes.catch(() => undefined)
  const [read, listed] = await Promise.all([
    recordsOnly(connection, early?.buildCache ?? null),
    volumes,
  ])
  return { ...read, volumes: listed }
}

async function recordsOnly(
  connection: EngineConnection,
  early: Promise<BuildCacheAnswer[]> | null,
): Promise<Omit<RecordsRead, 'volumes'>> {
  if (early) {
    try {
      const answer = await early
      connection.buildKitApi = true
      return { records: buildCacheOf({ BuildCache: answer }), df: null }
    } catch {
      connection.buildKitApi = false
    }
  }
  if (connection.buildKitApi !== false && canReadBuildCacheOverGrpc(connection.host)) {
    try {
      const answer = await readBuildCacheOverGrpc(connection.host)
      connection.buildKitApi = true
      return { records: buildCacheOf({ BuildCache: answer }), df: null }
    } catch (error) {
      // Told apart: an engine that answered "no such API" (Podman, BuildKit off) from one that
      // stopped answering, which /system/df would not fix.
      if (connection.buildKitApi === true) throw error
      connection.buildKitApi = false
    }
  }
  const df = await connection.diskUsage.read()
  return { records: buildCacheOf(df), df }
}

/** Some image was (or may have been) built by BuildKit: its cache may hold that image's layers. */
export function hasBuildKitImages(inventory: Inventory): boolean {
  return inventory.images.some((image) => image.layers.some(mayBeBuildKit))
}

/**
 * The kinds a plan that removes no volume needs (KindsRead 'lean'). `containerSizes`: the plan
 * may remove containers, so their writable layers' sizes are needed; without, only the records
 * are (an image built by BuildKit), and containers' sizes are those the inventory has, if any —
 * they count only for a container the plan removes.
 */
export async function leanKinds(
  connection: EngineConnection,
  inventory: Inventory,
  started: Promise<RecordsRead> | null,
  containerSizes: boolean,
): Promise<KindsInventory> {
  const read = await (started ?? readRecords(connection))
  // Containers listed without their sizes (a read that needed none at first): /system/df has
  // them when it was read anyway; else one more list, with sizes.
  const sizes =
    inventory.containerSizes ??
    (read.df
      ? sizesOf(read.df).containerSizes
      : containerSizes
        ? await listContainerSizes(connection)
        : new Map<string, number>())
  return {
    volumes: read.volumes,
    buildCache: read.records,
    containerSizes: sizes,
    volumeSizes: read.df ? sizesOf(read.df).volumeSizes : new Map(),
    sizesAt: read.df ? new Date() : null,
  }
}

async function listContainerSizes(connection: EngineConnection): Promise<Map<string, number>> {
  const path = '/containers/json?all=1&size=1'
  const answer = (await (connection.getJson
    ? connection.getJson(path)
    : connection.docker.listContainers({ all: true, size: true }))) as {
    Id: string
    SizeRw?: number
  }[]
  return new Map(answer.map((c) => [c.Id, Math.max(0, c.SizeRw ?? 0)]))
}
