/**
 * Fresh engine state for re-checking plan items just before they run. The engine's event stream
 * is opened before the first snapshot, so any container created, image tagged or image loaded
 * during the run marks the snapshot stale and it is re-read before the next item; without outside
 * activity a run costs no extra requests per item.
 */
import type Docker from 'dockerode'
import type { Readable } from 'node:stream'
import { fullImageId, realReferences } from '../engine/inventory'
import type { JsonGet } from '../engine/json-get'
import { PROBE_LABEL } from '../engine/probe-image'

export interface EngineSnapshot {
  /** Reference → image ID. */
  refs: Map<string, string>
  images: Set<string>
  /** Image ID → its tags and digests (no `<none>`), and its labels: what a re-check before a
   * delete compares, read from the list instead of an inspect per reference. */
  refsOf: Map<string, string[]>
  labels: Map<string, Record<string, string>>
  /** Image ID → child image IDs. */
  children: Map<string, string[]>
  /** Build time of each child image, unix seconds (`Created`). */
  created?: Map<string, number>
  /** Image ID → containers using it. */
  containers: Map<string, { id: string; name: string }[]>
  /** Every container by ID: its state and the volumes it mounts. */
  containerStates: Map<string, { name: string; running: boolean; volumes: string[] }>
}

interface ImageSummary {
  Id: string
  ParentId?: string
  RepoTags?: string[] | null
  RepoDigests?: string[] | null
  Created?: number
  Labels?: Record<string, string> | null
}

interface ContainerSummary {
  Id: string
  Names?: string[]
  ImageID?: string
  State?: string
  Mounts?: { Type?: string; Name?: string }[] | null
}

/** Events after which the snapshot can no longer be trusted. */
const STALE_AFTER = new Set([
  'container:create',
  'container:start',
  'image:tag',
  'image:load',
  'image:pull',
  'image:import',
])
/** Docker filters by action before it encodes an event: a clean's own untag, delete and destroy
 * (two or three per item, thousands in a run) are then never written to the stream nor parsed
 * here. Podman gets the type filter alone (its event names are its own). */
const STALE_ACTIONS = [...new Set([...STALE_AFTER].map((event) => event.split(':')[1]!))]

export class EngineWatch {
  private stale = true
  private snapshot: EngineSnapshot | null = null
  private reading: Promise<EngineSnapshot> | null = null
  private stream: Readable | null = null

  private constructor(
    private readonly docker: Docker,
    private readonly get: JsonGet | null,
  ) {}

  /** `get`: the lean getter for the snapshot's lists (json-get.ts), where there is one. */
  static async open(
    docker: Docker,
    engineKind = 'docker',
    get: JsonGet | null = null,
  ): Promise<EngineWatch> {
    const watch = new EngineWatch(docker, get)
    try {
      const types: ('container' | 'image' | 'volume')[] = ['container', 'image', 'volume']
      const stream = (await docker.getEvents({
        filters: engineKind === 'docker' ? { type: types, event: STALE_ACTIONS } : { type: types },
      })) as unknown as Readable
      watch.stream = stream
      let buffer = ''
      stream.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8')
        let newline: number
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline)
          buffer = buffer.slice(newline + 1)
          try {
            const event = JSON.parse(line) as {
              Type?: string
              Action?: string
              Actor?: { Attributes?: Record<string, string> | null }
            }
            // Drydock's own free-space probe (a labelled image and container, never the user's,
            // never planned) changes nothing a plan item depends on.
            if (event.Actor?.Attributes?.[PROBE_LABEL] !== undefined) continue
            if (STALE_AFTER.has(`${event.Type}:${event.Action}`)) watch.stale = true
          } catch {
            watch.stale = true
          }
        }
      })
      // A stream that ends (the engine stopped, a proxy closed it) vouches for nothing more: a
      // restart and a tag while a prompt waits would otherwise go unseen.
      const ended = () => {
        watch.stream = null
      }
      stream.on('error', ended)
      stream.on('end', ended)
      stream.on('close', ended)
    } catch {
      // Without events every item re-reads the state: slower, never less safe.
      watch.stream = null
    }
    return watch
  }

  /** A watch with its first snapshot already being read (its error is read again, and
   * reported, by the first item that asks). */
  static async start(
    docker: Docker,
    engineKind = 'docker',
    get: JsonGet | null = null,
  ): Promise<EngineWatch> {
    const watch = await EngineWatch.open(docker, engineKind, get)
    watch.current().catch(() => undefined)
    return watch
  }

  async current(): Promise<EngineSnapshot> {
    const trusted = this.trusted()
    if (trusted) return trusted
    // Items running side by side share one re-read.
    if (!this.reading) {
      this.stale = false
      // The snapshot is replaced before the read counts as done: no caller between the two can
      // take the old one for current.
      this.reading = takeSnapshot(this.docker, this.get)
        .then((snapshot) => (this.snapshot = snapshot))
        .finally(() => {
          this.reading = null
        })
    }
    return this.reading
  }

  /**
   * The snapshot while the event stream vouches for it (open, nothing since that stales it, no
   * re-read under way because something did), else null. Outside changes reach the stream within
   * a millisecond or so; an inspect just before a delete leaves the same kind of window (the
   * engine queues the delete behind others).
   */
  trusted(): EngineSnapshot | null {
    return this.snapshot && !this.stale && !this.reading && this.stream ? this.snapshot : null
  }

  /** Whether the event stream is still open (a watch without one re-reads before every item). */
  get live(): boolean {
    return this.stream !== null
  }

  /** After Drydock's own changes: they are known, but a re-read is cheap and exact. */
  invalidate(): void {
    this.stale = true
  }

  /** A container this run removed: dropped from the snapshot in place. Re-reading the image
   * and container lists after each of hundreds of removals would cost a list each time. */
  removedContainer(id: string): void {
    const snapshot = this.snapshot
    if (!snapshot) return
    snapshot.containerStates.delete(id)
    for (const [image, users] of snapshot.containers) {
      const left = users.filter((user) => user.id !== id)
      if (left.length !== users.length) snapshot.containers.set(image, left)
    }
  }

  close(): void {
    this.stream?.destroy()
    this.stream = null
  }
}

/** Podman answers a list with 500 while another client deletes one of the images (it reads an
 * image whose data is going): a read, so asked again a few times before it counts as failed. */
async function listing<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await read()
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 500 || attempt >= 3) throw error
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt))
    }
  }
}

/** The image and container lists, over the lean getter when there is one: on a kept-alive socket
 * they leave at once, even when the caller then blocks the event loop (a plan being made). */
export async function takeSnapshot(
  docker: Docker,
  get: JsonGet | null = null,
): Promise<EngineSnapshot> {
  const list = <T>(path: string, viaDocker: () => Promise<unknown>) =>
    listing(() => (get ? get(path) : viaDocker()) as Promise<T>)
  const [images, containers] = await Promise.all([
    list<ImageSummary[]>('/images/json?all=1', () => docker.listImages({ all: true })),
    list<ContainerSummary[]>('/containers/json?all=1', () => docker.listContainers({ all: true })),
  ])
  const snapshot: EngineSnapshot = {
    refs: new Map(),
    images: new Set(),
    refsOf: new Map(),
    labels: new Map(),
    children: new Map(),
    created: new Map(),
    containers: new Map(),
    containerStates: new Map(),
  }
  for (const image of images) {
    snapshot.images.add(image.Id)
    const refs = [...realReferences(image.RepoTags), ...realReferences(image.RepoDigests)]
    for (const ref of refs) snapshot.refs.set(ref, image.Id)
    snapshot.refsOf.set(image.Id, refs)
    if (image.Labels) snapshot.labels.set(image.Id, image.Labels)
    if (image.ParentId) {
      const parent = fullImageId(image.ParentId)
      const children = snapshot.children.get(parent)
      if (children) children.push(image.Id)
      else snapshot.children.set(parent, [image.Id])
      snapshot.created?.set(image.Id, image.Created ?? 0)
    }
  }
  for (const container of containers) {
    const name = (container.Names?.[0] ?? container.Id.slice(0, 12)).replace(/^\//, '')
    snapshot.containerStates.set(container.Id, {
      name,
      running: ['running', 'paused', 'restarting'].includes(container.State ?? ''),
      volumes: (container.Mounts ?? []).flatMap((m) =>
        m.Type === 'volume' && m.Name ? [m.Name] : [],
      ),
    })
    if (!container.ImageID) continue
    const users = snapshot.containers.get(container.ImageID)
    if (users) users.push({ id: container.Id, name })
    else snapshot.containers.set(container.ImageID, [{ id: container.Id, name }])
  }
  return snapshot
}
