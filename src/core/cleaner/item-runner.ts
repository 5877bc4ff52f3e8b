/**
 * Runs one plan item: re-checks it against the engine just before each request (the world may
 * have moved since the preview, or while an earlier request of the same item ran), sends the
 * request, and reads from the answer what really happened and how many bytes came back.
 * Anything unexpected skips the item — never forces it.
 */
import type Docker from 'dockerode'
import type { CleanItemResult, EngineRequest, PlanItem } from '../../shared/cleanup'
import type { EngineInfo } from '../../shared/contract'
import { shortId } from '../../shared/format'
import { engineLostDuringRun, isTransportFailure } from '../engine/errors'
import { fullImageId, realReferences } from '../engine/inventory'
import type { JsonGet, JsonRequest } from '../engine/json-get'
import type { ProtectionRules } from '../planner/policy'
import { isImageIdPrefix } from '../planner/references'
import type { EngineSnapshot, EngineWatch } from './recheck'
import type { RecordPruner } from './record-pruner'

export interface RunContext {
  docker: Docker
  /** The lean requests (json-get.ts, pipelined-get.ts): a re-read and a delete per image cost
   * the client a fraction of dockerode's. Absent: dockerode (ssh hosts, tests). */
  get?: JsonGet | null
  send?: JsonRequest | null
  watch: EngineWatch
  /** Bytes of each layer (chain ID) the plan knows. */
  layerSizes: ReadonlyMap<string, number>
  /** What the plan predicted for containers and volumes: the engine does not say what it frees. */
  predictedBytes: (item: PlanItem) => number
  protection: ProtectionRules
  /** The same protection for containers and volumes, by name (and labels where known). */
  protectsName: (thing: { name: string }) => { ref: string } | null
  /** Images still expected to go; an item that fails or is skipped leaves, so its parents skip. */
  goingImages: Set<string>
  plannedImages: ReadonlySet<string>
  /** Containers the plan removes (they may use an image or mount a volume the plan removes). */
  plannedContainers: ReadonlySet<string>
  /** Podman answers deletes differently (docs/engine-rules.md §9). Default: docker. */
  engineKind?: EngineInfo['engineKind']
  /** When the plan was made (ms): on Podman, only a child image built since stops a delete. */
  plannedAt?: number
  /** Images the engine's answers in this run reported deleted besides the one asked for: Podman
   * removes untagged parents with their last child, whatever `noprune` says. */
  removedByEngine?: Set<string>
  /** Containers this run was to remove that are still there (skipped, failed). */
  containersKept?: Set<string>
  /** The image layers (chain IDs) the plan credited to each build cache record it removes. */
  recordLayers?: ReadonlyMap<string, readonly string[]>
  /** Layers this run's image deletes freed, by the engine's answers (images run before records). */
  freedLayers?: Set<string>
  /** Build cache prunes, sent together while one is in flight (record-pruner.ts). */
  records: RecordPruner
}

/**
 * A pruned record's credit: its plan figure, less the layers of it that an image's delete in this
 * run already freed (the engine named them; the image counted them). Only this record's own
 * layers: a record the engine refused keeps its figure out of every other record's.
 */
function creditRecord(ctx: RunContext, item: PlanItem): number {
  const predicted = ctx.predictedBytes(item)
  let freedEarlier = 0
  for (const chainId of ctx.recordLayers?.get(item.id) ?? []) {
    if (ctx.freedLayers?.has(chainId)) freedEarlier += ctx.layerSizes.get(chainId) ?? 0
  }
  return Math.max(0, predicted - freedEarlier)
}

interface DeleteResponseLine {
  Untagged?: string
  Deleted?: string
}

export function messageOf(error: unknown): string {
  const e = error as { json?: { message?: string }; message?: string }
  return e.json?.message ?? e.message ?? String(error)
}

/** Why an image item must not run now, or null when the engine still looks as planned. */
export function recheckImage(
  item: PlanItem,
  snapshot: EngineSnapshot,
  goingIds: Set<string>,
  plannedIds: ReadonlySet<string> = new Set(),
  plannedContainers: ReadonlySet<string> = new Set(),
  /** Podman: when the plan was made (ms). Its delete removes an image whose children stay (their
   * layers stay, as planned), so only a child the plan did not know of stops it. */
  podmanPlannedAt?: number,
): string | null {
  if (!snapshot.images.has(item.id)) return 'the image is already gone'
  for (const request of item.requests) {
    if (request.kind !== 'delete-image' || isImageIdPrefix(item.id, request.name)) continue
    const now = snapshot.refs.get(request.name)
    if (now !== undefined && now !== item.id)
      return `${request.name} now names another image (${shortId(now)})`
  }
  const planned = new Set([
    ...item.affectedContainers.map((container) => container.id),
    ...plannedContainers,
  ])
  const newcomer = (snapshot.containers.get(item.id) ?? []).find(
    (container) => !planned.has(container.id),
  )
  if (newcomer) return `container ${newcomer.name} was created from this image after the plan`
  if (item.action === 'delete') {
    const children = (snapshot.children.get(item.id) ?? []).filter((child) => !goingIds.has(child))
    const staying =
      podmanPlannedAt === undefined
        ? children[0]
        : children.find(
            (child) =>
              plannedIds.has(child) ||
              (snapshot.created?.get(child) ?? Infinity) * 1000 > podmanPlannedAt,
          )
    if (staying && plannedIds.has(staying)) {
      return `its child image ${shortId(staying)} was not removed, so the engine would refuse`
    }
    if (staying) return `image ${shortId(staying)} was built on this image after the plan`
  }
  return null
}

/** Why a container or volume item must not run now, or null. */
function recheckOther(item: PlanItem, snapshot: EngineSnapshot, ctx: RunContext): string | null {
  if (item.kind === 'container') {
    const now = snapshot.containerStates.get(item.id)
    if (!now) return 'the container is already gone'
    const stop = item.requests.some((r) => r.kind === 'remove-container' && r.stop)
    if (now.running && !stop) return `${now.name} was started after the plan`
    const protectedBy = ctx.protectsName({ name: now.name })
    if (protectedBy) return `protected now: ${protectedBy.ref}`
  }
  if (item.kind === 'volume') {
    const protectedBy = ctx.protectsName({ name: item.id })
    if (protectedBy) return `protected now: ${protectedBy.ref}`
    for (const [id, container] of snapshot.containerStates) {
      if (container.volumes.includes(item.id) && !ctx.plannedContainers.has(id)) {
        return `container ${container.name} mounts it now`
      }
    }
  }
  return null
}

/** An image as the engine has it now: its references (no `<none>`) and labels. */
interface ImageNow {
  id: string
  tags: string[]
  digests: string[]
  labels: Record<string, string>
}

interface ImageInspect {
  Id?: string
  RepoTags?: string[] | null
  RepoDigests?: string[] | null
  Config?: { Labels?: Record<string, string> | null }
}

/**
 * The image a reference names now, or null when the engine has no such thing: from the snapshot
 * while the event stream vouches for it (Docker), else by an inspect. Podman's events come through
 * a file it tails, later than its answers: there, always the inspect.
 */
async function imageNow(
  request: Extract<EngineRequest, { kind: 'delete-image' }>,
  item: PlanItem,
  ctx: RunContext,
): Promise<ImageNow | null> {
  const snapshot = ctx.engineKind === 'podman' ? null : ctx.watch.trusted()
  if (snapshot) {
    const id = isImageIdPrefix(item.id, request.name)
      ? snapshot.images.has(item.id)
        ? item.id
        : undefined
      : snapshot.refs.get(request.name)
    if (id === undefined) return null
    const refs = snapshot.refsOf.get(id) ?? []
    return {
      id,
      tags: refs.filter((ref) => !ref.includes('@')),
      digests: refs.filter((ref) => ref.includes('@')),
      labels: snapshot.labels.get(id) ?? {},
    }
  }
  let inspected: ImageInspect
  try {
    inspected = (await inspectImage(ctx, request.name)) as ImageInspect
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return null
    throw error
  }
  return {
    id: inspected.Id ?? '',
    tags: realReferences(inspected.RepoTags),
    digests: realReferences(inspected.RepoDigests),
    labels: inspected.Config?.Labels ?? {},
  }
}

/**
 * Just before a delete by reference or by ID: the image as the engine has it now. A tag added
 * since the plan, a tag moved to another image, or a protection that matches now: skip.
 */
async function recheckReference(
  request: Extract<EngineRequest, { kind: 'delete-image' }>,
  item: PlanItem,
  ctx: RunContext,
): Promise<string | null> {
  const now = await imageNow(request, item, ctx)
  if (!now) {
    return isImageIdPrefix(item.id, request.name)
      ? 'the image is already gone'
      : `${request.name} is already gone`
  }
  if (now.id !== item.id) return `${request.name} now names another image (${shortId(now.id)})`
  const known = new Set([...item.tags, ...item.digests])
  const gained = [...now.tags, ...now.digests].filter((ref) => !known.has(ref))
  if (gained.length > 0) return `it gained ${gained.join(', ')} after the plan`
  const protectedBy = ctx.protection.protects({
    id: item.id,
    tags: now.tags,
    digests: now.digests,
    labels: now.labels,
  })
  if (protectedBy) return `protected now: ${protectedBy.ref}`
  return null
}

export async function runItem(
  item: PlanItem,
  ctx: RunContext,
  beforeFirstRequest: () => void,
): Promise<CleanItemResult> {
  const base = { kind: item.kind, id: item.id, name: item.name, tags: item.tags }
  const podman = ctx.engineKind === 'podman'
  const skip = (reason: string): CleanItemResult => {
    // Gone because an earlier item's answer said the engine removed it too (Podman's parent
    // walk): deleted as planned, and what it held came free with it.
    if (
      item.kind === 'image' &&
      item.action === 'delete' &&
      reason === 'the image is already gone' &&
      ctx.removedByEngine?.has(item.id)
    ) {
      return { ...base, outcome: 'deleted', reclaimedBytes: podman ? ctx.predictedBytes(item) : 0 }
    }
    if (item.kind === 'image') ctx.goingImages.delete(item.id)
    return { ...base, outcome: 'skipped', error: reason, reclaimedBytes: 0 }
  }
  // An image whose containers this run was to remove first, one of which stayed: the engine
  // would refuse its delete (a container uses it).
  if (item.kind === 'image' && item.action === 'delete') {
    const stayed = item.affectedContainers.find(
      (container) => container.effect === 'removed' && ctx.containersKept?.has(container.id),
    )
    if (stayed)
      return skip(`its container ${stayed.name} was not removed, so the engine would refuse`)
  }
  const snapshot = await ctx.watch.current().catch((error: unknown) => {
    throw isTransportFailure(error) ? engineLost(error, ctx.docker) : error
  })
  const skipReason =
    item.kind === 'image'
      ? recheckImage(
          item,
          snapshot,
          ctx.goingImages,
          ctx.plannedImages,
          ctx.plannedContainers,
          podman ? ctx.plannedAt : undefined,
        )
      : recheckOther(item, snapshot, ctx)
  if (skipReason) return skip(skipReason)

  let reclaimed = 0
  let deleted = false
  let untagged = false
  let started = false
  for (const request of item.requests) {
    try {
      if (request.kind === 'delete-image') {
        const why = await recheckReference(request, item, ctx)
        if (why) {
          if (!started) return skip(why)
          // Earlier requests of this item ran: say what they did and why the rest did not.
          ctx.goingImages.delete(item.id)
          return {
            ...base,
            outcome: untagged ? 'untagged' : 'skipped',
            error: why,
            reclaimedBytes: reclaimed,
          }
        }
      }
      if (!started) {
        started = true
        beforeFirstRequest()
      }
      switch (request.kind) {
        case 'remove-container': {
          // No `t`: the engine then waits the container's own configured stop timeout.
          if (request.stop)
            await ctx.docker.getContainer(request.id).stop().catch(ignoreNotModified)
          await (ctx.send
            ? ctx.send('DELETE', `/containers/${encodeURIComponent(request.id)}`)
            : ctx.docker.getContainer(request.id).remove())
          deleted = true
          reclaimed += ctx.predictedBytes(item)
          break
        }
        case 'remove-volume':
          await (ctx.send
            ? ctx.send('DELETE', `/volumes/${encodeURIComponent(request.name)}`)
            : ctx.docker.getVolume(request.name).remove())
          deleted = true
          reclaimed += ctx.predictedBytes(item)
          break
        case 'remove-build-cache': {
          // The engine's SpaceReclaimed sums the records' sizes, not what came back (a record
          // whose layer is held elsewhere frees nothing): the plan's figure is the better one.
          const outcome = await ctx.records.prune(request.id)
          if (outcome === 'cancelled') return skip('the run was cancelled before it was pruned')
          if (outcome === 'refused') {
            return skip('the record is gone, in use, shared by an image or has children now')
          }
          deleted = true
          reclaimed += creditRecord(ctx, item)
          break
        }
        case 'delete-image': {
          const lines = (await (ctx.send
            ? ctx.send('DELETE', `/images/${request.name}?force=${request.force}&noprune=true`)
            : ctx.docker
                .getImage(request.name)
                .remove({ force: request.force, noprune: true }))) as DeleteResponseLine[]
          for (const line of lines) {
            if (line.Untagged) untagged = true
            if (!line.Deleted) continue
            // Docker: `sha256:<image ID>`, then a chain ID per layer freed. Podman: bare image
            // IDs (this one and the parents it removed with it), never layers.
            const size = ctx.layerSizes.get(line.Deleted)
            if (fullImageId(line.Deleted) === item.id) deleted = true
            else if (size !== undefined) {
              reclaimed += size
              ctx.freedLayers?.add(line.Deleted)
            } else ctx.removedByEngine?.add(fullImageId(line.Deleted))
          }
          break
        }
      }
    } catch (error) {
      if (item.kind === 'image') ctx.goingImages.delete(item.id)
      ctx.watch.invalidate()
      // No answer at all (the engine died or stopped answering): whether this request happened
      // is unknown, so no outcome is guessed. The item stays started without one and the run
      // stops; the next inventory read settles it from what the engine holds (reconcile.ts).
      if (isTransportFailure(error)) throw engineLost(error, ctx.docker)
      const raced = await lostRace(request, item, error, ctx)
      if (raced) {
        return {
          ...base,
          outcome: untagged ? 'untagged' : 'skipped',
          error: raced,
          reclaimedBytes: reclaimed,
        }
      }
      return { ...base, outcome: 'failed', error: messageOf(error), reclaimedBytes: reclaimed }
    }
  }
  // Podman names an image it removed only when no child image is left (libimage `Removed`):
  // whether a planned delete happened, the engine itself says.
  if (item.kind === 'image' && item.action === 'delete' && started && !deleted) {
    deleted = await isGone(ctx, item.id)
  }
  // Podman's answers list no layers: a delete it really did frees what the plan counted.
  if (item.kind === 'image' && deleted && podman) reclaimed = ctx.predictedBytes(item)
  if (item.kind === 'image' && !deleted) ctx.goingImages.delete(item.id)
  // Only a container's removal changes what the snapshot holds (volumes and build cache
  // records are not in it); anything else a run did not do itself marks it stale by event.
  if (item.kind === 'container' && deleted) ctx.watch.removedContainer(item.id)
  return {
    ...base,
    outcome: deleted ? 'deleted' : untagged ? 'untagged' : 'skipped',
    reclaimedBytes: reclaimed,
  }
}

/** `GET /images/{name}/json`, the name as dockerode sends it. */
function inspectImage(ctx: Pick<RunContext, 'docker' | 'get'>, name: string): Promise<unknown> {
  return ctx.get ? ctx.get(`/images/${name}/json`) : ctx.docker.getImage(name).inspect()
}

/** True when the engine no longer has the image (404); any other answer says nothing. */
async function isGone(ctx: Pick<RunContext, 'docker' | 'get'>, imageId: string): Promise<boolean> {
  try {
    await inspectImage(ctx, imageId)
    return false
  } catch (error) {
    return (error as { statusCode?: number }).statusCode === 404
  }
}

const RACE_NOTE = 'something else removed it during this run'

/**
 * A 404 or 409 because something else (another Drydock, a `docker rmi`) removed the object
 * between the re-check and the request: the reason to skip it, or null when the engine refused
 * for a reason of its own (then the item failed). Never 'deleted': this run did not delete it.
 */
async function lostRace(
  request: EngineRequest,
  item: PlanItem,
  error: unknown,
  ctx: Pick<RunContext, 'docker' | 'get'>,
): Promise<string | null> {
  const status = (error as { statusCode?: unknown }).statusCode
  if (status !== 404 && status !== 409) return null
  switch (request.kind) {
    case 'delete-image':
      if (await isGone(ctx, item.id)) return `the image is already gone: ${RACE_NOTE}`
      return status === 404 ? `${request.name} is already gone: ${RACE_NOTE}` : null
    case 'remove-container':
      return status === 404 ? `the container is already gone: ${RACE_NOTE}` : null
    case 'remove-volume':
      return status === 404 ? `the volume is already gone: ${RACE_NOTE}` : null
    default:
      return null
  }
}

/** The run's engine, named as the user would write it, for the sentence that stops the run. */
function engineLost(error: unknown, docker: Docker) {
  const modem = docker.modem as {
    socketPath?: unknown
    protocol?: unknown
    host?: unknown
    port?: unknown
  }
  const socketPath = typeof modem.socketPath === 'string' ? modem.socketPath : undefined
  const url = socketPath
    ? socketPath.startsWith('//./pipe/')
      ? `npipe://${socketPath}`
      : `unix://${socketPath}`
    : `${modem.protocol === 'ssh' ? 'ssh' : 'tcp'}://${String(modem.host)}${modem.port ? `:${String(modem.port)}` : ''}`
  return engineLostDuringRun(error, socketPath ? { url, socketPath } : { url })
}

/** Stopping a container that already stopped answers 304; that is fine. */
function ignoreNotModified(error: unknown): void {
  if ((error as { statusCode?: number }).statusCode !== 304) throw error
}
