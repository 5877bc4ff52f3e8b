/**
 * A run's view of the engine (its event stream, then its first snapshot: recheck.ts) opened while
 * its plan is made, instead of when the run starts: the stream as the plan's image and container
 * lists go out, the snapshot the moment they are in. The snapshot's lists then
 * overlap with BuildKit's answer and the planning, and the run's first delete does not wait for
 * them. The CLI's `clean` asks (it runs the plan it makes); the app does not (a preview is often
 * never run).
 *
 * Why the stream opens before the lists are in: making the plan holds the event loop for a
 * hundred milliseconds or so, and a stream opened only then (a new connection, then its answer)
 * got its snapshot sent after the planning, on the run's critical path. Open by then, the
 * snapshot leaves at once over the lean getter's kept-alive sockets (takeSnapshot).
 *
 * The watch vouches for its snapshot exactly as one opened by the run: its stream is open before
 * the snapshot is read, and anything after that stales it; a change between the plan's lists and
 * the snapshot is in the snapshot, which the run's re-checks compare the plan with.
 */
import type { ConnectionState, EngineInfo } from '../../shared/contract'
import type { EngineConnection } from '../engine/connection'
import { EngineWatch } from './recheck'

/** What this needs of the connection manager (connection-manager.ts). */
export interface ListedConnections {
  /** Told when an inventory read's lists are on their way, with the connection they went on. */
  onListing(listener: (connection: EngineConnection) => void): () => void
  /** Told when an inventory read's lists have arrived, with the connection that read them. */
  onListed(listener: (connection: EngineConnection) => void): () => void
  require(): Promise<EngineConnection>
  peek(): ConnectionState
}

interface Prepared {
  connection: EngineConnection
  engineKind: EngineInfo['engineKind']
  watch: EngineWatch
}

interface Opening {
  connection: EngineConnection
  ready: Promise<Prepared | null>
  opened: Prepared | null
}

export class WatchAhead {
  private prepared: Promise<Prepared | null> | null = null
  private stopPreparing: () => void = () => undefined

  constructor(private readonly connections: ListedConnections) {}

  /** Opens a watch's stream as the next inventory read sends its lists, and asks for its first
   * snapshot once they are in (one prepared at a time). */
  prepare(): void {
    this.close()
    const { connections } = this
    /** The stream being opened, and the connection it is for; `opened` once it is open. */
    let opening: Opening | null = null
    const open = (connection: EngineConnection): Opening => {
      if (opening?.connection === connection) return opening
      // A stream for another connection (one the check refused) is nobody's.
      void opening?.ready.then((ready) => ready?.watch.close())
      // The first lists go out with the connection check, whose answer names the engine: until
      // then Docker is assumed, and a run on another kind (Podman's events are named otherwise)
      // opens its own (take). Asking /info again here would hold the stream back by as long.
      const state = connections.peek()
      const engineKind = state.status === 'connected' ? state.engine.engineKind : 'docker'
      const entry: Opening = { connection, opened: null, ready: Promise.resolve(null) }
      entry.ready = EngineWatch.open(connection.docker, engineKind, connection.getJson)
        .then((watch) => (entry.opened = { connection, engineKind, watch }))
        .catch(() => null)
      opening = entry
      return entry
    }
    const stopListing = connections.onListing((connection) => {
      stopListing()
      void open(connection)
    })
    const stopListed = connections.onListed((listedOn) => {
      stopListed()
      stopListing()
      const entry = open(listedOn)
      opening = null // prepared from here on: take() or close() ends it
      if (entry.opened) {
        // Open already (the engine answered it while it worked on the lists): the snapshot
        // leaves now, before the plan holds the event loop.
        entry.opened.watch.current().catch(() => undefined)
        this.prepared = Promise.resolve(entry.opened)
        return
      }
      // Not open yet: the snapshot follows the stream's answer (after the planning, then).
      this.prepared = entry.ready.then(async (ready) => {
        // The lists came from a connection the check then refused: the run opens its own.
        if (!ready || (await connections.require().catch(() => null)) !== listedOn) {
          ready?.watch.close()
          return null
        }
        ready.watch.current().catch(() => undefined)
        return ready
      })
    })
    this.stopPreparing = () => {
      stopListing()
      stopListed()
      // A stream opened for lists that never came: nothing will take it.
      void opening?.ready.then((ready) => ready?.watch.close())
      opening = null
    }
  }

  /** The prepared watch when it was opened on `connection` for an engine of this kind and its
   * stream is still open; else null (and it is closed). */
  async take(
    connection: EngineConnection,
    engineKind: EngineInfo['engineKind'],
  ): Promise<EngineWatch | null> {
    // A plan whose lists never came (read before prepare was asked) leaves none to wait for.
    this.stopPreparing()
    // Taken before the await: a second run at the same time opens its own.
    const pending = this.prepared
    this.prepared = null
    const prepared = await pending
    // A stream that ended while the plan was shown would leave the run re-reading before every
    // item: it opens a live one instead.
    if (
      prepared?.connection === connection &&
      prepared.engineKind === engineKind &&
      prepared.watch.live
    ) {
      return prepared.watch
    }
    prepared?.watch.close()
    return null
  }

  /** Drops a prepared watch no run took (the command ends). */
  close(): void {
    this.stopPreparing()
    void this.prepared?.then((prepared) => prepared?.watch.close())
    this.prepared = null
  }
}
