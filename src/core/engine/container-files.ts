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
import { lstatSync, readdirSync, type Stats } from 'node:fs'
import { join } from 'node:path'
import { setImmediate as nextTurn } from 'node:timers/promises'

/** Directories a container's may hold (checkpoints, mounts): one level is all there is. */
const MAX_DEPTH = 2
/**
 * Containers walked between two turns of the event loop. The walk is synchronous: a promise per
 * readdir and lstat made 320 containers cost 85-105 ms (145 ms of CPU, most of it the garbage
 * collector's) on the benchmark's world, sync calls about a third of that. Yielding every 50
 * keeps the app's main process answering in between (a few ms a batch).
 */
const CONTAINERS_PER_TURN = 50

/** What a walk made before the engine's lists are in found (walkContainerDirectories). */
export interface ContainerFilesAhead {
  dataRoot: string
  /** The directories the walk found (whether or not they could be read). */
  walked: ReadonlySet<string>
  /** Bytes by ID of the directories it could read. */
  sizes: ReadonlyMap<string, number>
}

/**
 * Every container directory under the data root, walked as soon as the data root is known, before
 * the engine's lists are in: a plan waits 100-200 ms more for the image list (the engine's
 * slowest answer) than for the containers', and the walk (~40 ms for 320 containers) fits in that
 * wait instead of following it. `listedContainerFileBytes` then reads only what it did not see.
 */
export async function walkContainerDirectories(dataRoot: string): Promise<ContainerFilesAhead> {
  let ids: string[]
  try {
    ids = readdirSync(join(dataRoot, 'containers'))
  } catch {
    ids = [] // not ours to read, or not there yet: each listed container is read by itself
  }
  return { dataRoot, walked: new Set(ids), sizes: await containerFileBytes(dataRoot, ids) }
}

/**
 * The bytes of the listed containers' directories: from the walk ahead for those it saw (on the
 * same data root), the rest (created since, or no walk) read now.
 */
export async function listedContainerFileBytes(
  dataRoot: string,
  ids: readonly string[],
  ahead: ContainerFilesAhead | null,
): Promise<Map<string, number>> {
  if (!ahead || ahead.dataRoot !== dataRoot) return containerFileBytes(dataRoot, ids)
  const sizes = new Map<string, number>()
  const late: string[] = []
  for (const id of ids) {
    const bytes = ahead.sizes.get(id)
    if (bytes !== undefined) sizes.set(id, bytes)
    else if (!ahead.walked.has(id)) late.push(id)
  }
  for (const [id, bytes] of await containerFileBytes(dataRoot, late)) sizes.set(id, bytes)
  return sizes
}

/** Bytes of the regular files in each container's directory; containers not readable: absent. */
export async function containerFileBytes(
  dataRoot: string,
  ids: readonly string[],
): Promise<Map<string, number>> {
  const sizes = new Map<string, number>()
  for (let i = 0; i < ids.length; i++) {
    if (i > 0 && i % CONTAINERS_PER_TURN === 0) await nextTurn()
    const id = ids[i]!
    const bytes = regularBytes(join(dataRoot, 'containers', id), MAX_DEPTH)
    if (bytes !== null) sizes.set(id, bytes)
  }
  return sizes
}

function regularBytes(dir: string, depth: number): number | null {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return null // not ours to read (a non-root user), or gone
  }
  let total = 0
  for (const name of names) {
    const path = join(dir, name)
    // Names, then lstat each, not readdir's entry types: where a filesystem gives none, Node
    // lstats every entry itself and throws for the whole directory if one has just gone.
    const stat = lstatOrNull(path)
    if (stat?.isFile()) total += stat.size
    else if (stat?.isDirectory() && depth > 1) total += regularBytes(path, depth - 1) ?? 0
  }
  return total
}

/** The entry's own stats (a link is not followed); null when it went away or cannot be read. */
function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path)
  } catch {
    return null
  }
}
