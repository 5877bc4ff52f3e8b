/** One reading of an engine's usage by type and free space (the sampler's, the dashboard's). */
import type { DiskUsage } from '../shared/usage'
import { engineFailure, type ConnectionManager } from './connection-manager'
import { imageUsageFromLayers, readDiskUsage } from './engine/disk-usage'

/** A probe of free space younger than `probeMaxAgeMs` is reused. */
export async function readUsage(
  connections: ConnectionManager,
  now: () => Date,
  probeMaxAgeMs: number,
): Promise<DiskUsage> {
  const connection = await connections.require()
  const engine = await connections.engineFacts(connection)
  let df: Awaited<ReturnType<typeof connection.diskUsage.read>>
  let disks: Awaited<ReturnType<typeof connection.disks.read>>
  try {
    ;[df, disks] = await Promise.all([
      connection.diskUsage.read(),
      connection.disks.read(engine, probeMaxAgeMs),
    ])
  } catch (error) {
    // A sentence with the host and the cause (a wedged engine: `/system/df` got no answer). The
    // connection stays: the engine answered its check, and a slow df is not a lost engine.
    throw engineFailure(error, connection)
  }
  const usage = readDiskUsage(df, { now: now(), disks })
  if (engine.engineKind !== 'podman') return usage
  // Podman's df says 0 bytes of images (docs/engine-rules.md §9): counted from their layers.
  const { inventory } = await connections.readInventory()
  return { ...usage, ...imageUsageFromLayers(inventory.images) }
}
