/**
 * What removing a container gives back besides its writable layer: its directory under the data
 * root (`containers/<id>`), its log above all (json-file, which grows without bound unless
 * rotated) and its config files. The engine reports none of it (`SizeRw` is the layer alone), so
 * it is read here, for an engine on this machine, and never guessed. A directory named by the
 * container's 64-hex ID under the engine's data root is that container's, whatever else the path
 * holds: another engine at the same path (a VM's data root is invisible here; a native engine
 * beside Docker Desktop has its own containers) has no directory of that name. So plans made in
 * any process count the same bytes, wherever the files can be read (root, or the app as root).
 */
import { lstat, readdir } from 'node:fs/promises'
import { join } from 'node:path'

/** Directories a container's may hold (checkpoints, mounts): one level is all there is. */
const MAX_DEPTH = 2

/** Bytes of the regular files in each container's directory; containers not readable: absent. */
export async function containerFileBytes(
  dataRoot: string,
  ids: readonly string[],
): Promise<Map<string, number>> {
  const sizes = new Map<string, number>()
  await Promise.all(
    ids.map(async (id) => {
      const bytes = await regularBytes(join(dataRoot, 'containers', id), MAX_DEPTH)
      if (bytes !== null) sizes.set(id, bytes)
    }),
  )
  return sizes
}

async function regularBytes(dir: string, depth: number): Promise<number | null> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch {
    return null // not ours to read (a non-root user), or gone
  }
  let total = 0
  for (const name of names) {
    const path = join(dir, name)
    const stat = await lstat(path).catch(() => null)
    if (stat?.isFile()) total += stat.size
    else if (stat?.isDirectory() && depth > 1) total += (await regularBytes(path, depth - 1)) ?? 0
  }
  return total
}
