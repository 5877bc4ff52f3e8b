/** `drydock images`: the inventory with references, sizes and dependencies. */
import { formatAge, formatBytes } from '../../shared/format'
import type { ImageView } from '../../shared/images'
import { reportError } from '../errors'
import { EXIT, type ExitCode } from '../exit-codes'
import { printJson, type CliIo, type GlobalOptions } from '../io'
import { openCliSession } from '../session'
import { renderTable, shortId } from '../table'

function dependencies(image: ImageView): string {
  const parts: string[] = []
  const running = image.containers.filter((c) => c.state === 'running').length
  const stopped = image.containers.length - running
  if (running) parts.push(`${running} running`)
  if (stopped) parts.push(`${stopped} stopped`)
  if (image.children.length)
    parts.push(`${image.children.length} child${image.children.length > 1 ? 'ren' : ''}`)
  return parts.join(', ') || '—'
}

export async function imagesCommand(io: CliIo, options: GlobalOptions): Promise<ExitCode> {
  const session = openCliSession(options, io)
  try {
    const images = await session.client.listImages()
    if (options.json) {
      printJson(io, images)
      return EXIT.ok
    }
    const now = new Date()
    const sorted = [...images].sort((a, b) => b.size - a.size)
    io.stdout.write(
      renderTable(sorted, [
        {
          header: 'IMAGE',
          value: (i) => i.tags[0] ?? (i.dangling ? '<none>' : '<none> (build step)'),
          max: 48,
        },
        { header: 'ID', value: (i) => shortId(i.id) },
        { header: 'CREATED', value: (i) => formatAge(new Date(i.created), now) },
        { header: 'SIZE', value: (i) => formatBytes(i.size), align: 'right' },
        { header: 'UNIQUE', value: (i) => formatBytes(i.uniqueSize), align: 'right' },
        { header: 'USED BY', value: dependencies },
        { header: 'OTHER TAGS', value: (i) => i.tags.slice(1).join(', '), max: 40 },
      ]),
    )
    const unique = images.reduce((sum, i) => sum + i.uniqueSize, 0)
    const inUse = images.filter((i) => i.containers.length > 0).length
    io.stdout.write(
      `${images.length} images, ${inUse} in use — ${formatBytes(unique)} held by one image each\n`,
    )
    return EXIT.ok
  } catch (error) {
    return reportError(io, error)
  } finally {
    session.close()
  }
}
