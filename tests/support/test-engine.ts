// Access to the private test engine (scripts/test-engine.sh) and bookkeeping of what each test
// run creates there, so cleanup removes exactly that and nothing else.
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import Dockerode from 'dockerode'

const DEFAULT_ENGINE_DIR = '/tmp/drydock-test-engine'
const PING_TIMEOUT_MS = 5_000
const START_HINT = 'start it with: bash scripts/test-engine.sh start'

/** Sockets of the machine's default engine: tests must never talk to them. */
const DEFAULT_ENGINE_SOCKETS = new Set(['/var/run/docker.sock', '/run/docker.sock'])
const DEFAULT_ENGINE_DATA_ROOT = '/var/lib/docker'

/** Label put on every image and container the helpers create; its value is the run id. */
export const TEST_LABEL = 'drydock.test'
/** Repository prefix of every tag the tests use. */
export const TEST_REPOSITORY_PREFIX = 'drydock-test/'

export const testEngineDir: string = path.resolve(
  process.env.DRYDOCK_TEST_ENGINE_DIR || DEFAULT_ENGINE_DIR,
)
export const testEngineHost: string =
  process.env.DRYDOCK_TEST_HOST || `unix://${path.join(testEngineDir, 'docker.sock')}`

/** Which host each Dockerode made by dockerFor() talks to (cleanup checks it). */
const hostOfClient = new WeakMap<Dockerode, string>()

export function socketPathOf(host: string): string {
  if (!host.startsWith('unix://')) {
    throw new Error(`test engine host must be a unix:// URL, got ${JSON.stringify(host)}`)
  }
  const socketPath = host.slice('unix://'.length)
  if (!path.isAbsolute(socketPath)) {
    throw new Error(`test engine socket must be an absolute path, got ${JSON.stringify(host)}`)
  }
  return socketPath
}

/** A Dockerode for a unix:// URL. Refuses the machine's default engine. */
export function dockerFor(host: string): Dockerode {
  const socketPath = socketPathOf(host)
  if (DEFAULT_ENGINE_SOCKETS.has(path.resolve(socketPath))) {
    throw new Error(`refusing to use the machine's default engine (${host}) in tests`)
  }
  const docker = new Dockerode({ socketPath })
  hostOfClient.set(docker, host)
  return docker
}

export type TestEngineProbe = { ok: true; docker: Dockerode } | { ok: false; reason: string }

export async function probeTestEngine(): Promise<TestEngineProbe> {
  let docker: Dockerode
  try {
    docker = dockerFor(testEngineHost)
  } catch (error) {
    return { ok: false, reason: messageOf(error) }
  }
  try {
    await withTimeout(docker.ping(), PING_TIMEOUT_MS, 'ping timed out')
    const info = (await withTimeout(docker.info(), PING_TIMEOUT_MS, 'info timed out')) as {
      DockerRootDir?: string
    }
    if (info.DockerRootDir === DEFAULT_ENGINE_DATA_ROOT) {
      return {
        ok: false,
        reason: `${testEngineHost} is an engine with the default data root ${DEFAULT_ENGINE_DATA_ROOT}; refusing to test against it`,
      }
    }
    return { ok: true, docker }
  } catch (error) {
    return {
      ok: false,
      reason: `private test engine not reachable at ${testEngineHost}: ${messageOf(error)}; ${START_HINT}`,
    }
  }
}

export interface TestEngine {
  /** Always set; only usable when skip is false. */
  docker: Dockerode
  host: string
  skip: boolean
  reason: string | null
}

/**
 * Call at the top level of an engine test file (top-level await), then
 * `describe.skipIf(engine.skip)(...)`. Under CI=true an unreachable engine throws instead:
 * CI must never skip engine tests.
 */
export async function requireTestEngine(): Promise<TestEngine> {
  const probe = await probeTestEngine()
  if (probe.ok) {
    return { docker: probe.docker, host: testEngineHost, skip: false, reason: null }
  }
  if (process.env.CI === 'true') {
    throw new Error(`${probe.reason} (CI=true: engine tests may not be skipped)`)
  }
  console.warn(`skipping engine tests: ${probe.reason}`)
  return {
    docker: new Dockerode({ socketPath: '/nonexistent' }),
    host: testEngineHost,
    skip: true,
    reason: probe.reason,
  }
}

// --- runs: what a test file created ---------------------------------------------------------

export interface TestRun {
  readonly id: string
  /** `{ 'drydock.test': id }`: merge into the labels of anything the run creates. */
  readonly labels: Readonly<Record<string, string>>
  readonly imageIds: Set<string>
  readonly containerIds: Set<string>
}

const runsById = new Map<string, TestRun>()

export function createTestRun(name = 'run'): TestRun {
  const id = `${name}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`
  const run: TestRun = {
    id,
    labels: Object.freeze({ [TEST_LABEL]: id }),
    imageIds: new Set(),
    containerIds: new Set(),
  }
  runsById.set(id, run)
  return run
}

/** `testRef('base', '1')` → `drydock-test/base:1`. */
export function testRef(repository: string, tag = 'latest'): string {
  return `${TEST_REPOSITORY_PREFIX}${repository}:${tag}`
}

export interface TestContainerOptions {
  image: string
  cmd?: string[]
  name?: string
  labels?: Record<string, string>
  /** Start it after creating (default false). */
  start?: boolean
}

/** A container with no network (the private engine has no bridge), labelled and tracked. */
export async function createTestContainer(
  docker: Dockerode,
  run: TestRun,
  options: TestContainerOptions,
): Promise<Dockerode.Container> {
  const container = await docker.createContainer({
    Image: options.image,
    Cmd: options.cmd ?? ['sleep', '3600'],
    name: options.name,
    Labels: { ...options.labels, ...run.labels },
    // sleep as PID 1 ignores SIGTERM; a short timeout keeps `stop` fast.
    StopTimeout: 1,
    HostConfig: { NetworkMode: 'none' },
  })
  run.containerIds.add(container.id)
  if (options.start) await container.start()
  return container
}

// --- cleanup --------------------------------------------------------------------------------

export interface CleanupResult {
  removedContainers: string[]
  removedImages: string[]
}

/**
 * Force-removes the containers and images a run created: those carrying its label and those the
 * helpers tracked. Throws (after trying everything) if something could not be removed.
 */
export async function cleanupTestObjects(
  docker: Dockerode,
  run: TestRun | string,
): Promise<CleanupResult> {
  const runId = typeof run === 'string' ? run : run.id
  const tracked = typeof run === 'string' ? runsById.get(run) : run
  return removeLabelled(docker, `${TEST_LABEL}=${runId}`, tracked)
}

/** Removes everything any test run left behind (label drydock.test with any value). */
export async function cleanupAllTestObjects(docker: Dockerode): Promise<CleanupResult> {
  return removeLabelled(docker, TEST_LABEL, undefined)
}

async function removeLabelled(
  docker: Dockerode,
  labelFilter: string,
  tracked: TestRun | undefined,
): Promise<CleanupResult> {
  await assertPrivateEngine(docker)
  const failures: string[] = []

  const containers = await docker.listContainers({ all: true, filters: { label: [labelFilter] } })
  const containerIds = new Set([...containers.map((c) => c.Id), ...(tracked?.containerIds ?? [])])
  const removedContainers: string[] = []
  for (const id of containerIds) {
    try {
      await docker.getContainer(id).remove({ force: true, v: true })
      removedContainers.push(id)
    } catch (error) {
      if (statusCodeOf(error) !== 404) failures.push(`container ${id}: ${messageOf(error)}`)
    }
    tracked?.containerIds.delete(id)
  }

  const images = await docker.listImages({ all: true, filters: { label: [labelFilter] } })
  const pending = new Set([...images.map((i) => i.Id), ...(tracked?.imageIds ?? [])])
  const removedImages: string[] = []
  const conflicts = new Map<string, string>()
  // Children must go before their parents; retry conflicts while each pass makes progress.
  let progress = true
  while (pending.size > 0 && progress) {
    progress = false
    conflicts.clear()
    for (const id of [...pending]) {
      try {
        await docker.getImage(id).remove({ force: true })
        removedImages.push(id)
      } catch (error) {
        const status = statusCodeOf(error)
        if (status === 409) {
          conflicts.set(id, messageOf(error))
          continue
        }
        if (status !== 404) failures.push(`image ${id}: ${messageOf(error)}`)
      }
      pending.delete(id)
      tracked?.imageIds.delete(id)
      progress = true
    }
  }
  for (const [id, message] of conflicts) failures.push(`image ${id}: ${message}`)

  if (failures.length > 0) {
    throw new Error(
      `test cleanup (${labelFilter}) left objects behind:\n  ${failures.join('\n  ')}`,
    )
  }
  return { removedContainers, removedImages }
}

/** Cleanup deletes by force: make sure the client is the private engine's. */
async function assertPrivateEngine(docker: Dockerode): Promise<void> {
  const host = hostOfClient.get(docker)
  if (host !== testEngineHost) {
    throw new Error(
      `cleanup only runs against the private test engine (${testEngineHost}); ` +
        `create the client with dockerFor(testEngineHost)`,
    )
  }
  const info = (await docker.info()) as { DockerRootDir?: string }
  if (info.DockerRootDir === DEFAULT_ENGINE_DATA_ROOT) {
    throw new Error(
      `refusing to clean up on an engine with the default data root ${DEFAULT_ENGINE_DATA_ROOT}`,
    )
  }
}

// --- engine JSON streams --------------------------------------------------------------------

/** One message of the engine's JSON-lines progress streams (load, build, pull). */
export interface EngineMessage {
  stream?: string
  status?: string
  id?: string
  aux?: { ID?: string }
  error?: string
  errorDetail?: { message?: string }
}

/** Reads a JSON-lines stream to its end; an error message in it becomes an exception. */
export async function readEngineStream(stream: NodeJS.ReadableStream): Promise<EngineMessage[]> {
  const messages: EngineMessage[] = []
  let buffered = ''
  const take = (line: string): void => {
    const trimmed = line.trim()
    if (trimmed === '') return
    const message = JSON.parse(trimmed) as EngineMessage
    messages.push(message)
  }
  for await (const chunk of stream) {
    buffered += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    const lines = buffered.split('\n')
    buffered = lines.pop() ?? ''
    lines.forEach(take)
  }
  take(buffered)
  const failed = messages.find((m) => m.error !== undefined || m.errorDetail !== undefined)
  if (failed) {
    throw new Error(failed.errorDetail?.message ?? failed.error ?? 'engine reported an error')
  }
  return messages
}

// --- small utilities ------------------------------------------------------------------------

export function statusCodeOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'statusCode' in error) {
    return typeof error.statusCode === 'number' ? error.statusCode : undefined
  }
  return undefined
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(message))
    }, ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
