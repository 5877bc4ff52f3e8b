// Puts the world on an engine: a few big `docker load`s (one load of hundreds of images costs
// about what one load of one image does, per-request overhead aside), then the containers.
import { archiveChunks } from './archive.mjs'
import { mapConcurrently } from './engine.mjs'

/** Images per `docker load`: big enough to amortise the load, small enough to report progress. */
const IMAGES_PER_LOAD = 500
/** Container creates in flight; dockerd serialises much of create, more does not help. */
const CREATE_CONCURRENCY = 8

/**
 * @param {import('./engine.mjs').Engine} engine
 * @param {{ images: object[], layers: Map<string, object> }} built  from buildWorldImages
 * @param {object[]} containers  from worldSpec
 */
export async function buildWorld(engine, built, containers, log) {
  const started = performance.now()
  for (let first = 0; first < built.images.length; first += IMAGES_PER_LOAD) {
    const batch = built.images.slice(first, first + IMAGES_PER_LOAD)
    await loadArchive(engine, archiveChunks(batch, built.layers))
    log(`loaded images ${first + 1}-${first + batch.length} of ${built.images.length}`)
  }
  const loadedMs = performance.now() - started

  const listed = await engine.json('GET', '/images/json?all=1')
  const expected = new Set(built.images.map((image) => image.id))
  const missing = [...expected].filter((id) => !listed.some((image) => image.Id === id))
  if (missing.length > 0 || listed.length !== expected.size) {
    throw new Error(
      `engine holds ${listed.length} images after loading ${expected.size} (${missing.length} missing)`,
    )
  }

  const createdIds = await mapConcurrently(containers, CREATE_CONCURRENCY, async (container) => {
    const image = built.images[container.image.index]
    // Created from a tag when there is one (what `docker run repo:tag` records), else the ID.
    const ref = image.tags[0] ?? image.id
    const { Id } = await engine.json('POST', `/containers/create?name=${container.name}`, {
      body: {
        Image: ref,
        Cmd: ['/bin/sleep', '3600'],
        Labels: { 'drydock.bench': '1' },
        HostConfig: { NetworkMode: 'none' },
      },
    })
    return Id
  })
  const toStart = containers.flatMap((container, index) =>
    container.start ? [createdIds[index]] : [],
  )
  await mapConcurrently(toStart, 2, (id) => engine.json('POST', `/containers/${id}/start`))
  log(`created ${containers.length} containers, started ${toStart.length}`)

  return {
    images: built.images.length,
    containers: containers.length,
    running: toStart.length,
    loadMs: loadedMs,
    totalMs: performance.now() - started,
  }
}

/** POST /images/load; the answer is a JSON stream whose lines may carry an error. */
async function loadArchive(engine, chunks) {
  const { status, body } = await engine.request('POST', '/images/load?quiet=1', {
    body: chunks,
    contentType: 'application/x-tar',
  })
  const text = body.toString()
  if (status !== 200) throw new Error(`docker load failed (${status}): ${text.trim()}`)
  for (const line of text.split('\n')) {
    if (!line.trim()) continue
    const message = JSON.parse(line)
    if (message.error || message.errorDetail) {
      throw new Error(`docker load failed: ${message.error ?? message.errorDetail.message}`)
    }
  }
}
