/**
 * The engine's events that show an image in use, read from a cursor up to now. The engine keeps
 * a buffer of recent events, so a process that was not running when they happened (the CLI, the
 * app started later) still catches up on what the buffer holds; a live app reads every few
 * minutes and loses nothing.
 */
import type Docker from 'dockerode'
import type { ImageUse } from '../store'
import type { Inventory } from './inventory'

/** The actions that mean "this image was used" (create and start of a container count too). */
const USE_EVENTS = {
  container: ['create', 'start'],
  image: ['pull', 'load', 'tag'],
} as const

interface EngineEvent {
  Type?: string
  Action?: string
  Actor?: { ID?: string; Attributes?: Record<string, string> }
  time?: number
  timeNano?: number
}

/** Events of the use kinds in (since, until], in unix milliseconds. */
export async function readUseEvents(
  docker: Docker,
  since: number | null,
  until: number,
): Promise<EngineEvent[]> {
  const stream = await docker.getEvents({
    // Seconds with a fraction; the engine takes the same form as `docker events --since`.
    since: since === null ? 0 : (since / 1000).toFixed(3),
    until: (until / 1000).toFixed(3),
    filters: JSON.stringify({
      type: Object.keys(USE_EVENTS),
      event: [...new Set(Object.values(USE_EVENTS).flat())],
    }),
  } as unknown as Docker.GetEventsOptions)
  const chunks: Buffer[] = []
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  }
  const events: EngineEvent[] = []
  for (const line of Buffer.concat(chunks).toString('utf8').split('\n')) {
    if (!line.trim()) continue
    try {
      events.push(JSON.parse(line) as EngineEvent)
    } catch {
      // A line the engine cut short: one lost use, not a failed read.
    }
  }
  return events
}

/** Events matched to image IDs: containers by their image, references by the inventory's tags. */
export function imageUsesOf(events: EngineEvent[], inventory: Inventory): ImageUse[] {
  const containerImage = new Map(inventory.containers.map((c) => [c.id, c.imageId]))
  const byReference = new Map<string, string>()
  for (const image of inventory.images) {
    for (const ref of [...image.tags, ...image.digests]) byReference.set(ref, image.id)
  }
  const ids = new Set(inventory.images.map((image) => image.id))
  const resolve = (ref: string | undefined): string | null => {
    if (!ref) return null
    if (ids.has(ref)) return ref
    if (ids.has(`sha256:${ref}`)) return `sha256:${ref}`
    const tagged = ref.includes(':') || ref.includes('@') ? ref : `${ref}:latest`
    return byReference.get(tagged) ?? byReference.get(ref) ?? null
  }
  const uses: ImageUse[] = []
  for (const event of events) {
    const at = event.timeNano ? Math.floor(event.timeNano / 1e6) : (event.time ?? 0) * 1000
    const imageId =
      event.Type === 'container'
        ? (containerImage.get(event.Actor?.ID ?? '') ?? resolve(event.Actor?.Attributes?.image))
        : resolve(event.Actor?.ID)
    if (imageId) uses.push({ imageId, at, event: `${event.Type} ${event.Action}` })
  }
  return uses
}
