/**
 * A run's view of the engine (its event stream, then its first snapshot: recheck.ts) opened as
 * soon as the plan's image and container lists are in, instead of when the run starts. The
 * snapshot's lists then overlap with BuildKit's answer and the planning, and the run's first
 * delete does not wait for them. The CLI's `clean` asks (it runs the plan it makes); the app does
 * not (a preview is often never run).
 *
 * The watch vouches for its snapshot exactly as one opened by the run: its stream is open before
 * the snapshot is read, and anything after that stales it; a change between the plan's lists and
 * the snapshot is in the snapshot, which the run's re-checks compare the plan with.
 */
import type { EngineInfo } from '../../shared/contract'
import type { EngineConnection } from '../engine/connection'
import { EngineWatch } from './recheck'

/** What this needs of the connection manager (connection-manager.ts). */
export interface ListedConnections {
  /** Told when an inventory read's lists have arrived, with the connection that read them. */
  onListed(listener: (connection: EngineConnection) => void): () => void
  require(): Promise<EngineConnection>
  engineFacts(connection: EngineConnection): Promise<Pick<EngineInfo, 'engineKind'>>
}

interface Prepared {
  connection: EngineConnection
  engineKind: EngineInfo['engineKind']
  watch: EngineWatch
}

export class WatchAhead {
  private prepared: Promise<Prepared | null> | null = null
  private stopPreparing: () => void = () => undefined

  constructor(private readonly connections: ListedConnections) {}

  /** Opens a watch once the next inventory read's lists are in (one prepared at a time). */
  prepare(): void {
    this.close()
    const { connections } = this
    this.stopPreparing = connections.onListed((listedOn) => {
      this.stopPreparing()
      const prepared = connections.require().then(async (connection) => {
        // The lists came from a connection the check then refused: the run opens its own.
        if (connection !== listedOn) return null
        const { engineKind } = await connections.engineFacts(connection)
        const watch = await EngineWatch.start(connection.docker, engineKind)
        return { connection, engineKind, watch }
      })
      this.prepared = prepared.catch(() => null)
    })
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
