/**
 * The Images page's reads: the inventory as it shows it, and, when a row's details open, the
 * images sharing that image's layers. Sharers are not part of the list: a base layer held by
 * thousands of images would make the list's answer grow with the square of their number.
 */
import { DrydockError } from '../shared/errors'
import type { ImageSharer, ImageView } from '../shared/images'
import type { ConnectionManager } from './connection-manager'
import type { EngineConnection } from './engine/connection'
import type { LastUseTracker } from './last-use-tracker'
import type { LogAccess } from './log-access'
import { resolveSelection } from './cleanup-service'
import type { Selection } from '../shared/cleanup'
import { DependencyGraph } from './planner/graph'
import { describeImages, sharersOf } from './planner/image-view'
import { protectionRules } from './planner/policy'

export class ImageReader {
  /** The graph behind the last list: a row's details answer from what the page shows. */
  private last: { connection: EngineConnection; graph: DependencyGraph } | null = null

  constructor(
    private readonly connections: ConnectionManager,
    private readonly tracker: LastUseTracker,
    private readonly log: LogAccess,
  ) {}

  async list(): Promise<ImageView[]> {
    const { connection, inventory } = await this.connections.readInventory()
    const graph = new DependencyGraph(inventory)
    this.last = { connection, graph }
    const uses = await this.tracker.lastUsesOf(connection, inventory, graph)
    const { settings } = this.log.readSettings()
    const protection = protectionRules(resolveSelection(NO_SELECTION, settings))
    return describeImages(graph, {
      lastUsed: (id) => uses.get(id) ?? { at: 0, source: 'created' },
      isProtected: (id) => protection.protects(graph.images.get(id)!) !== null,
    })
  }

  async sharers(imageId: string): Promise<ImageSharer[]> {
    const connection = await this.connections.require()
    let graph =
      this.last?.connection === connection && this.last.graph.images.has(imageId)
        ? this.last.graph
        : null
    // Not listed on this connection yet (another engine, an image built since): read afresh.
    if (!graph) {
      const read = await this.connections.readInventory()
      graph = new DependencyGraph(read.inventory)
      this.last = { connection: read.connection, graph }
    }
    if (!graph.images.has(imageId)) {
      throw new DrydockError('not-found', `The engine holds no image ${imageId}.`)
    }
    return sharersOf(graph, imageId)
  }
}

/** A selection that selects nothing: Settings' protection alone, for showing what is protected. */
const NO_SELECTION: Selection = {
  policy: null,
  system: false,
  dangling: false,
  unused: false,
  images: [],
  force: false,
  withContainers: false,
  stoppedContainers: false,
  containers: [],
  unusedVolumes: false,
  volumes: [],
  buildCache: false,
  cacheRecords: [],
  keepStorage: null,
  olderThan: null,
  unusedFor: null,
  keepLast: null,
  acceptUnknownUse: false,
  targetSize: null,
  protect: [],
  protectLabels: [],
}
