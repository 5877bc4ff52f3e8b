/**
 * What removing a container gives back besides its writable layer: its directory under the data
 * root (`containers/<id>`), its log above all (json-file, which grows without bound unless
 * rotated) and its config files. The engine reports none of it (`SizeRw` is the layer alone), so
 * it is read here, where the data root is this machine's (engine-disks.ts says when), and never
 * guessed elsewhere.
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
