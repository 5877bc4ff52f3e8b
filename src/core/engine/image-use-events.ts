/**
 * The engine's events that show an image in use (container create/start, image pull/load/tag).
 *
 * Long-lived processes (the app, browser mode, `drydock watch`) follow the stream live and record
 * each use as it happens. A short CLI process catches up from the log's cursor on what the
 * engine still buffers — the last 256 events of any kind, emptied by a daemon restart — so a
 * busy engine between two CLI runs can lose uses; the app does not.
 */
import type Docker from 'dockerode'
import type { EventWatermark, ImageUse } from '../store/last-used-store'
import type { Inventory } from './inventory'
import { isProbeLabelled } from './probe-image'

/** A catch-up that has not finished by then is cut short (a remote engine whose clock runs
 * behind ours would otherwise hold the stream open until our "now" on its clock). */
const CATCH_UP_TIMEOUT_MS = 5_000

export interface EngineEvent {
  Type?: string
  Action?: string
  Actor?: { ID?: string; Attributes?: Record<string, string> }
  time?: number
  timeNano?: number
}

export function eventTime(event: EngineEvent): number {
  return event.timeNano ? Math.floor(event.timeNano / 1e6) : (event.time ?? 0) * 1000
}

/** Splits a stream of newline-separated JSON objects into events; a cut line is one lost use. */
function eventLines(onEvent: (event: EngineEvent) => void): (chunk: Buffer | string) => void {
  let pending = ''
  return (chunk) => {
    pending += chunk.toString()
    const lines = pending.split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) {
      if (!line.trim()) continue
      try {
        onEvent(JSON.parse(line) as EngineEvent)
      } catch {
        // Not JSON: skip it.
      }
    }
  }
}

/** The engine's event buffer (moby daemon/events: the last 256 events, emptied on restart). */
export const ENGINE_EVENT_BUFFER = 256

const USE_ACTIONS = new Set([
  'container:create',
  'container:start',
  'image:pull',
  'image:load',
  'image:tag',
])

/** Whether an event is a use of an image: Drydock's own probe runs are not (the engine puts a
 * container's and an image's labels in its events' attributes). */
export function isUseEvent(event: EngineEvent): boolean {
  return (
    USE_ACTIONS.has(`${event.Type}:${event.Action}`) && !isProbeLabelled(event.Actor?.Attributes)
  )
}

/** What identifies one event, to find it again in the engine's buffer. */
export function watermarkOf(event: EngineEvent): EventWatermark {
  return {
    timeNano: event.timeNano ?? (event.time ?? 0) * 1e9,
    type: event.Type ?? '',
    action: event.Action ?? '',
    id: event.Actor?.ID ?? '',
  }
}

/**
 * Use events in (since, until], unix milliseconds. Every event is read (not only uses) so that
 * the last one seen before — the watermark — can be looked for: when the engine no longer holds
 * it, events were lost in between (its buffer overflowed, or it restarted) and `gap` says so.
 * `readUntil` is where the next catch-up should start: `until`, or the last event read when the
 * engine was cut short.
 */
export async function readUseEvents(
  docker: Docker,
  since: number | null,
  until: number,
  watermark: EventWatermark | null = null,
): Promise<{ events: EngineEvent[]; readUntil: number; last: EngineEvent | null; gap: boolean }> {
  // A cursor ahead of the clock (the clock stepped back) would make the engine refuse the call.
  const cursor = since === null ? 0 : Math.min(since, until)
  const from = watermark ? Math.min(cursor, Math.floor(watermark.timeNano / 1e6) - 1) : cursor
  const stream = (await docker.getEvents({
    since: (from / 1000).toFixed(3),
    until: (until / 1000).toFixed(3),
  } as unknown as Docker.GetEventsOptions)) as NodeJS.ReadableStream & { destroy(): void }
  const all: EngineEvent[] = []
  const complete = await new Promise<boolean>((resolve, reject) => {
    const timer = setTimeout(() => {
      stream.destroy()
      resolve(false)
    }, CATCH_UP_TIMEOUT_MS)
    stream.on(
      'data',
      eventLines((event) => all.push(event)),
    )
    stream.on('end', () => {
      clearTimeout(timer)
      resolve(true)
    })
    stream.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
  })
  const same = (event: EngineEvent) => {
    const mark = watermarkOf(event)
    return (
      mark.timeNano === watermark!.timeNano &&
      mark.type === watermark!.type &&
      mark.action === watermark!.action &&
      mark.id === watermark!.id
    )
  }
  const gap = since !== null && (watermark ? !all.some(same) : all.length >= ENGINE_EVENT_BUFFER)
  const events = all.filter((event) => eventTime(event) > cursor && isUseEvent(event))
  const last = all.at(-1) ?? null
  return {
    events,
    readUntil: complete ? until : last ? eventTime(last) : cursor,
    last,
    gap,
  }
}

/** The image an event used, as an image ID; null when it cannot be told any more. */
export class EventImageResolver {
  private readonly containerImage: Map<string, string>
  private readonly byReference = new Map<string, string>()
  private readonly ids: Set<string>
  private readonly asked = new Map<string, Promise<string | null>>()

  constructor(
    private readonly docker: Docker,
    inventory: Inventory | null,
  ) {
    this.containerImage = new Map((inventory?.containers ?? []).map((c) => [c.id, c.imageId]))
    for (const image of inventory?.images ?? []) {
      for (const ref of [...image.tags, ...image.digests]) this.byReference.set(ref, image.id)
    }
    this.ids = new Set((inventory?.images ?? []).map((image) => image.id))
  }

  async resolve(event: EngineEvent): Promise<string | null> {
    if (event.Type === 'container') {
      const id = event.Actor?.ID ?? ''
      const known = this.containerImage.get(id)
      if (known) return known
      // The container's own record names the exact image, tag moves or not; gone (--rm) means
      // the reference it was created from is all there is.
      const inspected = await this.docker
        .getContainer(id)
        .inspect()
        .then((c) => (c as { Image?: string }).Image ?? null)
        .catch(() => null)
      return inspected ?? this.resolveReference(event.Actor?.Attributes?.image)
    }
    return this.resolveReference(event.Actor?.ID)
  }

  /** An ID, a reference the inventory knows, or else whatever the engine resolves it to (it
   * normalises docker.io names, registry ports and short IDs the way `docker run` does). */
  private resolveReference(ref: string | undefined): Promise<string | null> {
    if (!ref) return Promise.resolve(null)
    if (this.ids.has(ref)) return Promise.resolve(ref)
    if (this.ids.has(`sha256:${ref}`)) return Promise.resolve(`sha256:${ref}`)
    const lastPart = ref.slice(ref.lastIndexOf('/') + 1)
    const tagged = lastPart.includes(':') || ref.includes('@') ? ref : `${ref}:latest`
    const known = this.byReference.get(tagged) ?? this.byReference.get(ref)
    if (known) return Promise.resolve(known)
    let answer = this.asked.get(ref)
    if (!answer) {
      answer = this.docker
        .getImage(ref)
        .inspect()
        .then((image) => image.Id)
        .catch(() => null)
      this.asked.set(ref, answer)
    }
    return answer
  }
}

/** Each event's image use, in order; events whose image cannot be told are dropped. */
export async function imageUsesOf(
  events: EngineEvent[],
  resolver: EventImageResolver,
): Promise<ImageUse[]> {
  const uses: ImageUse[] = []
  for (const event of events) {
    const imageId = await resolver.resolve(event)
    if (imageId)
      uses.push({ imageId, at: eventTime(event), event: `${event.Type} ${event.Action}` })
  }
  return uses
}

/**
 * Follows use events live from `since` until stopped or the stream ends (the engine went away:
 * `onEnd` is told, and the owner starts a new follower once the engine is back).
 */
/**
 * Follows the engine's events live from `since`: every event (so the last one seen can be kept
 * as the watermark), each use resolved to its image, in order.
 */
export async function followUseEvents(
  docker: Docker,
  since: number,
  onEvent: (use: ImageUse | null, event: EngineEvent) => void,
  onEnd: (error: unknown) => void,
): Promise<() => void> {
  const stream = (await docker.getEvents({
    since: (since / 1000).toFixed(3),
  } as unknown as Docker.GetEventsOptions)) as NodeJS.ReadableStream & { destroy(): void }
  const resolver = new EventImageResolver(docker, null)
  // One at a time, in order: a use recorded out of order could move the cursor past another.
  let chain = Promise.resolve()
  stream.on(
    'data',
    eventLines((event) => {
      chain = chain.then(async () => {
        if (!isUseEvent(event)) return onEvent(null, event)
        const imageId = await resolver.resolve(event)
        onEvent(
          imageId
            ? { imageId, at: eventTime(event), event: `${event.Type} ${event.Action}` }
            : null,
          event,
        )
      })
    }),
  )
  let ended = false
  const end = (error: unknown) => {
    if (ended) return
    ended = true
    onEnd(error)
  }
  stream.on('end', () => end(null))
  stream.on('error', (error) => end(error))
  // An engine that dies (or restarts) closes the socket without ending the response.
  stream.on('close', () => end(null))
  return () => {
    ended = true
    stream.destroy()
  }
}
