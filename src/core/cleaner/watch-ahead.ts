/**
 * A run's view of the engine (its event stream, then its first snapshot: recheck.ts) opened while
 * its plan is made, instead of when the run starts: the stream as the plan's image and container
 * lists go out, the snapshot the moment they are in. The snapshot's lists then overlap with
 * BuildKit's answer and the planning, and the run's first delete does not wait for them. The
 * CLI's `clean` asks (it runs the plan it makes); the app does not (a preview is often never run).
 *
 * Why the stream opens before the lists are in: making the plan holds the event loop for a
 * hundred milliseconds or so, and a stream asked for only then (a connection, then its answer)
 * got its snapshot sent after the planning, on the run's critical path. With the stream open, the
 * snapshot's requests are written at once to the lean getter's idle kept-alive sockets
 * (takeSnapshot); one that needs a new socket still waits for it to connect.
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
  /** Told when an inventory read's lists go out (`sent`) and when they are in (`in`). */
  onLists(listener: (phase: 'sent' | 'in', connection: EngineConnection) => void): () => void
  peek(): ConnectionState
}

interface Prepared {
  connection: EngineConnection
  engineKind: EngineInfo['engineKind']
  watch: EngineWatch
}

/** A stream being opened for lists that went out; `opened` once the engine answered it. */
interface Opening extends Omit<Prepared, 'watch'> {
  ready: Promise<Prepared>
  opened: Prepared | null
}

const closeWhenOpen = (opening: Opening | null) =>
  void opening?.ready.then((ready) => ready.watch.close())

export class WatchAhead {
  private prepared: Promise<Prepared | null> | null = null
  private stopPreparing: () => void = () => undefined

  constructor(private readonly connections: ListedConnections) {}

  /** Opens a watch's stream as the next inventory read sends its lists, and asks for its first
   * snapshot once they are in (one prepared at a time). */
  prepare(): void {
    this.close()
    const { connections } = this
    let opening: Opening | null = null
    const open = (connection: EngineConnection): Opening => {
      // The first lists go out with the connection check, whose answer names the engine: until
      // then Docker is assumed, and a stream on the wrong guess (Podman names its events
      // otherwise) is opened again once the lists are in. Asking /info here would hold it back.
      const state = connections.peek()
      const engineKind = state.status === 'connected' ? state.engine.engineKind : 'docker'
      if (opening?.connection === connection && opening.engineKind === engineKind) return opening
      closeWhenOpen(opening)
      const entry: Opening = {
        connection,
        engineKind,
        opened: null,
        ready: EngineWatch.open(connection.docker, engineKind, connection.getJson).then(
          (watch) => (entry.opened = { connection, engineKind, watch }),
        ),
      }
      return (opening = entry)
    }
    const stop = connections.onLists((phase, connection) => {
      if (phase === 'sent') {
        open(connection)
        return
      }
      stop()
      const entry = open(connection)
      opening = null // prepared from here on: take() or close() ends it
      const withSnapshot = (ready: Prepared) => {
        // A stream that did not open vouches for nothing: the run opens its own (take).
        if (ready.watch.live) ready.watch.current().catch(() => undefined)
        return ready
      }
      // Open already (the engine answered it while it worked on the lists): the snapshot leaves
      // now, before the plan holds the event loop. Otherwise once the stream is open (after the
      // planning, then). Lists from a connection the check refused: take() drops what they gave.
      this.prepared = entry.opened
        ? Promise.resolve(withSnapshot(entry.opened))
        : entry.ready.then(withSnapshot)
    })
    this.stopPreparing = () => {
      stop()
      // A stream opened for lists that never came in: nothing will take it.
      closeWhenOpen(opening)
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
