/**
 * What an engine holds, for comparing a plan's prediction with what really happened: images with
 * their references, containers, and the bytes of layer storage under the data root.
 */
import { lstat, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import type Dockerode from 'dockerode'
import type { Plan } from '../../src/shared/cleanup'

export interface EngineState {
  /** Image ID → sorted references (tags and digests). */
  images: Map<string, string[]>
  containers: Set<string>
}

export async function engineState(docker: Dockerode): Promise<EngineState> {
  const [images, containers] = await Promise.all([
    docker.listImages({ all: true }),
    docker.listContainers({ all: true }),
  ])
  return {
    images: new Map(
      images.map((image) => [
        image.Id,
        [...(image.RepoTags ?? []), ...(image.RepoDigests ?? [])]
          .filter((ref) => !ref.startsWith('<none>'))
          .sort(),
      ]),
    ),
    containers: new Set(containers.map((container) => container.Id)),
  }
}

/** The state a plan predicts: deleted images gone, untagged references gone, removed containers gone. */
export function predictedState(before: EngineState, plan: Plan): EngineState {
  const images = new Map([...before.images].map(([id, refs]) => [id, [...refs]]))
  const containers = new Set(before.containers)
  for (const item of plan.items) {
    for (const container of item.affectedContainers)
      if (container.effect === 'removed') containers.delete(container.id)
    if (item.action === 'delete') images.delete(item.id)
    else if (item.action === 'untag')
      images.set(
        item.id,
        (images.get(item.id) ?? []).filter((ref) => !item.untag.includes(ref)),
      )
  }
  return { images, containers }
}

/** Plain objects, so a failed comparison prints readably. */
export function comparable(state: EngineState): {
  images: Record<string, string[]>
  containers: string[]
} {
  return {
    images: Object.fromEntries([...state.images].sort(([a], [b]) => a.localeCompare(b))),
    containers: [...state.containers].sort(),
  }
}

/**
 * Bytes of regular files in the engine's layer storage (`overlay2/` and `image/` under the data
 * root): what deleting layers gives back. Each inode once (layers hard-link files); directory
 * entries are left out, as a layer's size as the engine reports it counts file contents only.
 */
export async function layerStorageBytes(dataRoot: string): Promise<number> {
  return regularFileBytes(['overlay2', 'image'].map((part) => join(dataRoot, part)))
}

/**
 * Bytes of every regular file under `roots`, each inode once. `merged` directories are running
 * containers' overlay mounts, views of other layers, and are left out; so are files `skip` names.
 */
export async function regularFileBytes(
  roots: string[],
  skip: (name: string) => boolean = () => false,
): Promise<number> {
  const seen = new Set<string>()
  let total = 0
  async function walk(dir: string): Promise<void> {
    let entries
    try {
      entries = await readdir(dir, { withFileTypes: true })
    } catch {
      return // removed while walking
    }
    for (const entry of entries) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) {
        if (entry.name !== 'merged') await walk(path)
      } else if (entry.isFile() && !skip(entry.name)) {
        const stats = await lstat(path).catch(() => null)
        if (!stats) continue
        const key = `${stats.dev}:${stats.ino}`
        if (seen.has(key)) continue
        seen.add(key)
        total += stats.size
      }
    }
  }
  for (const root of roots) await walk(root)
  return total
}
