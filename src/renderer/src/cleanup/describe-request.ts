/** A cleanup request's targets in words, for the Cleanup page's introduction. */
import { formatBytes } from '../../../shared/format'
import { countOf, type ItemKind } from '../kinds/words'
import type { Targets } from './request'

/** One line per thing the address asks for, and the pages they were chosen on. */
export function describeTargets(targets: Targets): { lines: string[]; kinds: ItemKind[] } {
  const lines: string[] = []
  const kinds = new Set<ItemKind>()
  if (targets.system) {
    lines.push(
      'What docker system prune removes: dangling images, stopped containers and build cache no build is using.',
    )
  }
  if (targets.targetSize !== null) {
    kinds.add('image')
    kinds.add('build-cache')
    lines.push(
      `Least recently used images and build cache nothing holds, oldest use first, until images and build cache take at most ${formatBytes(targets.targetSize)}.`,
    )
  }
  if (targets.images.length > 0) {
    kinds.add('image')
    const mode = targets.withContainers
      ? targets.force
        ? 'force-removed, with their containers'
        : 'removed with their containers'
      : targets.force
        ? 'force-removed (docker rmi -f)'
        : 'removed as docker rmi would'
    lines.push(
      `${countOf(targets.images.length, 'image')} chosen on the Images page, to be ${mode}.`,
    )
  }
  if (targets.containers.length > 0) {
    kinds.add('container')
    lines.push(
      `${countOf(targets.containers.length, 'container')} chosen on the Containers page, to be ${
        targets.force
          ? 'removed, running ones stopped first'
          : 'removed as docker rm would (running ones stay)'
      }.`,
    )
  }
  if (targets.stoppedContainers) {
    kinds.add('container')
    lines.push('Every container that is not running (docker container prune).')
  }
  if (targets.volumes.length > 0) {
    kinds.add('volume')
    lines.push(
      `${countOf(targets.volumes.length, 'volume')} chosen on the Volumes page, to be removed${
        targets.withContainers ? ' with the containers that mount them' : ''
      }.`,
    )
  }
  if (targets.unusedVolumes) {
    kinds.add('volume')
    lines.push('Every anonymous volume no container mounts; named volumes are never chosen so.')
  }
  if (targets.cacheRecords.length > 0) {
    kinds.add('build-cache')
    lines.push(`${countOf(targets.cacheRecords.length, 'build-cache')} chosen by ID.`)
  }
  if (targets.buildCache) {
    kinds.add('build-cache')
    lines.push(
      `Build cache no build is using (docker builder prune -a)${
        targets.keepStorage !== null
          ? `, keeping the most recently used ${formatBytes(targets.keepStorage)}`
          : ''
      }.`,
    )
  }
  return { lines, kinds: [...kinds] }
}
