/**
 * When each image was last used, kept in the log. Long-lived processes follow the engine's use
 * events live (`follow`); a short CLI process catches up from the log's cursor on what the
 * engine still buffers (`lastUsesOf`). Either way the answer is per image, with where it came
 * from (an event, a child image, the build time).
 */
import { DrydockError, errorMessage } from '../shared/errors'
import type { EngineConnection } from './engine/connection'
import {
  EventImageResolver,
  followUseEvents,
  imageUsesOf,
  eventTime,
  readUseEvents,
  watermarkOf,
} from './engine/image-use-events'
import type { Inventory } from './engine/inventory'
import type { LogAccess, OpenLog } from './log-access'
import type { DependencyGraph } from './planner/graph'
import { lastUses, type LastUse } from './planner/last-used'

/** When uses of an engine may have been lost: between these times (unix ms). */
export interface MissedWindow {
  since: number
  until: number
}

export class LastUseTracker {
  private follower: { host: string; stop: () => void } | null = null
  /** Gaps found when a live follower started, per engine (for as long as this process runs). */
  private readonly missed = new Map<string, MissedWindow>()

  constructor(
    private readonly log: LogAccess,
    private readonly now: () => Date,
  ) {}

  /**
   * Each image's last use. Catches up first unless this process follows the engine live. With
   * `strict` (--unused-for deletes by last use) a missing fact refuses instead of guessing.
   */
  async lastUsesOf(
    connection: EngineConnection,
    inventory: Inventory,
    graph: DependencyGraph,
    options: { strict: boolean } = { strict: false },
  ): Promise<Map<string, LastUse>> {
    return (await this.read(connection, inventory, graph, options)).uses
  }

  /**
   * Each image's last use, and since when uses may have been missed (null: none were): the
   * engine's buffer overflowed or it restarted between two catch-ups.
   */
  async read(
    connection: EngineConnection,
    inventory: Inventory,
    graph: DependencyGraph,
    options: { strict: boolean } = { strict: false },
  ): Promise<{ uses: Map<string, LastUse>; missed: MissedWindow | null }> {
    const host = connection.host.url
    let recorded = new Map<string, number>()
    let failure: unknown = null
    // Following live, the gap (if any) was found when the follower started.
    let missed: MissedWindow | null =
      this.follower?.host === host ? (this.missed.get(host) ?? null) : null
    try {
      const { lastUsed } = this.log.open()
      if (this.follower?.host !== host) {
        try {
          const cursor = lastUsed.cursor(host)
          const { events, readUntil, last, gap } = await readUseEvents(
            connection.docker,
            cursor,
            this.now().getTime(),
            lastUsed.watermark(host),
          )
          if (gap) missed = { since: cursor ?? 0, until: readUntil }
          const resolver = new EventImageResolver(connection.docker, inventory)
          const uses = await imageUsesOf(events, resolver)
          lastUsed.record(host, uses, readUntil, last ? watermarkOf(last) : undefined)
        } catch (error) {
          failure = error
        }
      }
      lastUsed.forgetAllBut(host, new Set(inventory.images.map((image) => image.id)))
      recorded = new Map([...lastUsed.uses(host)].map(([id, use]) => [id, use.at]))
    } catch (error) {
      failure ??= error
    }
    if (failure !== null && options.strict) {
      const why = errorMessage(failure)
      throw new DrydockError(
        failure instanceof DrydockError ? failure.code : 'engine-error',
        `Drydock cannot tell when images were last used (${why}); --unused-for needs that, so nothing was planned.`,
      )
    }
    return { uses: lastUses(graph, recorded, this.now()), missed }
  }

  /** Uses lost in this engine's gap were accepted as unknown (--accept-unknown-use). */
  acceptMissed(host: string): void {
    this.missed.delete(host)
  }

  /** Follows this engine's use events from the log's cursor, unless already doing so. */
  follow(connection: EngineConnection): void {
    const host = connection.host.url
    if (this.follower?.host === host) return
    this.stop()
    let lastUsed: OpenLog['lastUsed']
    try {
      lastUsed = this.log.open().lastUsed
    } catch {
      return
    }
    const follower: { host: string; stop: () => void } = { host, stop: () => undefined }
    this.follower = follower
    const until = this.now().getTime()
    const cursor = lastUsed.cursor(host)
    // First what happened while nobody followed, checked against the last event seen: the
    // engine's buffer may have overflowed, or it restarted (then uses in between are unknown).
    const caughtUp = readUseEvents(connection.docker, cursor, until, lastUsed.watermark(host))
      .then(async ({ events, readUntil, last, gap }) => {
        if (gap) this.missed.set(host, { since: cursor ?? until, until: readUntil })
        const uses = await imageUsesOf(events, new EventImageResolver(connection.docker, null))
        lastUsed.record(host, uses, readUntil, last ? watermarkOf(last) : undefined)
        return readUntil
      })
      .catch(() => cursor ?? until)
    void caughtUp.then((since) =>
      followUseEvents(
        connection.docker,
        since,
        (use, event) => {
          try {
            lastUsed.record(host, use ? [use] : [], eventTime(event), watermarkOf(event))
          } catch {
            // One use not recorded; the next one still is.
          }
        },
        () => {
          // The engine went away (or restarted): the next tick or reconnection follows again.
          if (this.follower === follower) this.follower = null
        },
      ).then(
        (stop) => {
          if (this.follower === follower) follower.stop = stop
          else stop()
        },
        () => {
          if (this.follower === follower) this.follower = null
        },
      ),
    )
  }

  stop(): void {
    this.follower?.stop()
    this.follower = null
  }
}
