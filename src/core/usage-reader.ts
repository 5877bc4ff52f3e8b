/** One reading of an engine's usage by type and free space (the sampler's, the dashboard's). */
import type { DiskUsage } from '../shared/usage'
import type { ConnectionManager } from './connection-manager'
import { imageUsageFromLayers, readDiskUsage } from './engine/disk-usage'

/** A probe of free space younger than `probeMaxAgeMs` is reused. */
export async function readUsage(
  connections: ConnectionManager,
  now: () => Date,
  probeMaxAgeMs: number,
): Promise<DiskUsage> {
  const connection = await connections.require()
  const engine = await connections.engineFacts(connection)
  const [df, disks] = await Promise.all([
    connection.diskUsage.read(),
    connection.disks.read(engine, probeMaxAgeMs),
  ])
  const usage = readDiskUsage(df, { now: now(), disks })
  if (engine.engineKind !== 'podman') return usage
  // Podman's df says 0 bytes of images (docs/engine-rules.md §9): counted from their layers.
  const { inventory } = await connections.readInventory()
  return { ...usage, ...imageUsageFromLayers(inventory.images) }
}
