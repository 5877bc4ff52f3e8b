/**
 * When each image was last used. Three sources, newest wins: uses the engine's events recorded
 * (container create/start, image pull/load/tag), the containers that exist now (created then;
 * running means in use now), and children (a parent is in use while a child is). An image with
 * none of these counts from its build time, and says so.
 */
import type { ImageView } from '../../shared/images'
import { isRunning, type DependencyGraph } from './graph'

export interface LastUse {
  /** Unix milliseconds. */
  at: number
  source: ImageView['lastUsedSource']
}

export function lastUses(
  graph: DependencyGraph,
  recorded: ReadonlyMap<string, number>,
  now: Date,
): Map<string, LastUse> {
  const seen = new Map<string, number>()
  const see = (imageId: string, at: number) => {
    if (at > (seen.get(imageId) ?? -Infinity)) seen.set(imageId, at)
  }
  for (const [imageId, at] of recorded) see(imageId, at)
  for (const container of graph.inventory.containers) {
    see(container.imageId, isRunning(container) ? now.getTime() : container.created * 1000)
  }

  const uses = new Map<string, LastUse>()
  // Children before parents, so each parent sees its children's final values.
  for (const id of graph.childrenFirst(graph.images.keys())) {
    const image = graph.images.get(id)!
    const own = seen.get(id)
    let use: LastUse =
      own === undefined
        ? { at: image.created * 1000, source: 'created' }
        : { at: own, source: 'event' }
    for (const child of graph.children(id)) {
      const inherited = uses.get(child)
      // Even a child never seen used was built from this image when it was created.
      if (inherited && inherited.at > use.at) {
        use = { at: inherited.at, source: 'child' }
      }
    }
    uses.set(id, use)
  }
  return uses
}
