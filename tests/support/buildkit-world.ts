/**
 * A realistic BuildKit world on a test engine, for build-cache tests (docs/engine-rules.md §6):
 *
 *   base    drydock-test/bookworm:base   debootstrap'd bookworm minbase, imported (no registry)
 *   tools   drydock-test/bk-tools:1      FROM base + RUN apt-get install jq     (shares base)
 *   app     drydock-test/bk-app:1,2,3    FROM tools + COPY src + RUN; the source changes each
 *                                         version, so each rebuild makes new COPY and RUN records
 *   other   drydock-test/bk-other:1      FROM base + COPY data                  (shares base)
 *   cache   drydock-test/bk-cache:1      FROM base + RUN --mount=type=cache     (exec.cachemount)
 *   multi   drydock-test/bk-multi:1      two stages: the builder stage's RUN record is in no image
 *
 * Every build runs through Debian's /usr/bin/docker (20.10, BuildKit built in; the newer client
 * in /usr/local/bin has no buildx) with DOCKER_HOST set to the test engine. Contents are
 * deterministic, so building again is a cache hit that returns the same image IDs; an image a
 * test deleted is simply built again (with new records if its old ones were pruned).
 *
 * The images carry the label drydock.test.world, never drydock.test: the run cleanup of
 * test-engine.ts (which removes everything labelled drydock.test) leaves the world alone.
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { socketPathOf } from './test-engine'

/** Debian's docker.io client: BuildKit built in. */
export const BUILDKIT_CLIENT = '/usr/bin/docker'
export const WORLD_LABEL = 'drydock.test.world'
const WORLD_VERSION = 'buildkit-1'
const ROOTFS_SCRIPT = join(__dirname, '../../scripts/fixtures/bookworm-rootfs.sh')
const FIXTURE_DIR = process.env.DRYDOCK_FIXTURE_DIR || '/tmp/drydock-fixtures'
const BUILD_TIMEOUT_MS = 300_000

export interface WorldImage {
  ref: string
  id: string
}

export interface BuildkitWorld {
  host: string
  /** The imported base image (not built by BuildKit, but held by "from local" records). */
  base: WorldImage
  /** RUN apt-get install jq on base. */
  tools: WorldImage
  /** Versions 1, 2, 3 of one app on tools, oldest first. */
  apps: WorldImage[]
  /** COPY on base. */
  other: WorldImage
  /** RUN --mount=type=cache on base. */
  cache: WorldImage
  /** Final stage of a two-stage build. */
  multi: WorldImage
}

const memo = new Map<string, Promise<BuildkitWorld>>()

/**
 * Builds the world on `host` (a unix:// URL of a test engine) once per process; later calls check
 * that every image is still there and rebuild the missing ones.
 */
export function buildkitWorld(host: string): Promise<BuildkitWorld> {
  socketPathOf(host) // refuses anything but an absolute unix socket
  const previous = memo.get(host)
  const next = (previous ?? Promise.resolve(null))
    .catch(() => null)
    .then(async (world) => (world && (await allPresent(host, world)) ? world : build(host)))
  memo.set(host, next)
  return next
}

/** The cached rootfs tarball (built once per machine by scripts/fixtures/bookworm-rootfs.sh). */
export async function bookwormRootfs(): Promise<string> {
  const { stdout } = await run('bash', [ROOTFS_SCRIPT], { env: process.env })
  const path = stdout.trim().split('\n').pop() ?? ''
  if (!existsSync(path)) throw new Error(`bookworm-rootfs.sh printed no tarball path:\n${stdout}`)
  return path
}

async function build(host: string): Promise<BuildkitWorld> {
  const env = { ...process.env, DOCKER_HOST: host, DOCKER_BUILDKIT: '1' }
  if (!existsSync(BUILDKIT_CLIENT)) {
    throw new Error(`${BUILDKIT_CLIENT} is missing: install Debian's docker.io (BuildKit client)`)
  }
  // Build contexts stay at one path per engine: the client keys a context's source.local record
  // by its directory, so a rebuild reuses those records instead of adding new ones each run.
  const engineKey = createHash('sha256').update(host).digest('hex').slice(0, 12)
  const work = join(FIXTURE_DIR, 'buildkit-world', engineKey)
  const base = await ensureBase(env)
  const docker = (ref: string, dockerfile: string, files: Record<string, Buffer | string> = {}) =>
    buildImage(env, work, ref, dockerfile, files)
  const label = `LABEL ${WORLD_LABEL}=${WORLD_VERSION}`

  const tools = await docker(
    'drydock-test/bk-tools:1',
    `FROM ${base.ref}
RUN apt-get update && apt-get install -y --no-install-recommends jq && apt-get clean && rm -rf /var/lib/apt/lists/*
${label}
`,
  )
  const apps: WorldImage[] = []
  for (const version of [1, 2, 3]) {
    apps.push(
      await docker(
        `drydock-test/bk-app:${version}`,
        `FROM ${tools.ref}
COPY src/ /app/
RUN jq -R . /app/main.txt > /app/main.json && sha256sum /app/* > /app/SUMS
CMD ["cat", "/app/main.json"]
${label}
`,
        {
          'src/main.txt': bytes(`app-${version}`, 150_000).toString('base64'),
          'src/version.txt': `${version}\n`,
        },
      ),
    )
  }
  const other = await docker(
    'drydock-test/bk-other:1',
    `FROM ${base.ref}\nCOPY data/ /data/\n${label}\n`,
    { 'data/payload.bin': bytes('other', 300_000) },
  )
  const cache = await docker(
    'drydock-test/bk-cache:1',
    `FROM ${base.ref}
RUN --mount=type=cache,target=/var/cache/drydock head -c 400000 /dev/zero > /var/cache/drydock/cached.bin && ls -l /var/cache/drydock > /listing.txt
${label}
`,
  )
  const multi = await docker(
    'drydock-test/bk-multi:1',
    `FROM ${base.ref} AS builder
RUN sha256sum /etc/os-release > /artifact.txt && head -c 200000 /dev/zero > /scratch.bin
FROM ${base.ref}
WORKDIR /srv
COPY --from=builder /artifact.txt /srv/artifact.txt
${label}
`,
  )
  return { host, base, tools, apps, other, cache, multi }
}

async function ensureBase(env: NodeJS.ProcessEnv): Promise<WorldImage> {
  const ref = 'drydock-test/bookworm:base'
  const existing = await imageId(env, ref)
  if (existing) return { ref, id: existing }
  const tarball = await bookwormRootfs()
  const { stdout } = await run(
    BUILDKIT_CLIENT,
    ['import', '--change', `LABEL ${WORLD_LABEL}=${WORLD_VERSION}`, tarball, ref],
    { env },
  )
  return { ref, id: stdout.trim() }
}

async function buildImage(
  env: NodeJS.ProcessEnv,
  work: string,
  ref: string,
  dockerfile: string,
  files: Record<string, Buffer | string>,
): Promise<WorldImage> {
  const context = join(work, ref.replace(/[^a-z0-9]+/gi, '-'))
  await mkdir(context, { recursive: true })
  for (const [path, content] of Object.entries({ Dockerfile: dockerfile, ...files }))
    await writeIfChanged(join(context, path), content)
  const iidFile = join(work, `${ref.replace(/[^a-z0-9]+/gi, '-')}.${process.pid}.iid`)
  // --network host: the private engine has no bridge, and RUN apt-get needs Debian's mirror.
  await run(
    BUILDKIT_CLIENT,
    ['build', '--network', 'host', '--iidfile', iidFile, '-t', ref, context],
    {
      env,
    },
  )
  const id = (await readFile(iidFile, 'utf8')).trim()
  await rm(iidFile, { force: true })
  return { ref, id }
}

/** Same bytes: untouched (a parallel build may be reading it); else written and renamed in. */
async function writeIfChanged(path: string, content: Buffer | string): Promise<void> {
  const wanted = Buffer.from(content)
  const current = await readFile(path).catch(() => null)
  if (current?.equals(wanted)) return
  await mkdir(dirname(path), { recursive: true })
  const temporary = `${path}.${process.pid}.tmp`
  await writeFile(temporary, wanted)
  await rename(temporary, path)
}

async function allPresent(host: string, world: BuildkitWorld): Promise<boolean> {
  const env = { ...process.env, DOCKER_HOST: host }
  const images = [world.base, world.tools, ...world.apps, world.other, world.cache, world.multi]
  for (const image of images) if ((await imageId(env, image.ref)) !== image.id) return false
  return true
}

async function imageId(env: NodeJS.ProcessEnv, ref: string): Promise<string | null> {
  try {
    const { stdout } = await run(BUILDKIT_CLIENT, ['image', 'inspect', '-f', '{{.Id}}', ref], {
      env,
    })
    return stdout.trim() || null
  } catch {
    return null
  }
}

/** Deterministic pseudo-random bytes (SHA-256 in counter mode): rebuilds hit the cache. */
function bytes(seed: string, length: number): Buffer {
  const blocks: Buffer[] = []
  for (let i = 0; i * 32 < length; i++)
    blocks.push(createHash('sha256').update(`${seed}:${i}`).digest())
  return Buffer.concat(blocks).subarray(0, length)
}

function run(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv },
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), BUILD_TIMEOUT_MS)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve({ stdout, stderr })
      else
        reject(
          new Error(
            `${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${stderr.slice(-4000)}`,
          ),
        )
    })
  })
}
