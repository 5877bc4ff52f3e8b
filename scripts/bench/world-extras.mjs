// The rest of the whole disk, on top of the images and containers build-world.mjs puts there:
// stopped containers that wrote data into their writable layer (what `docker container prune`
// frees), and BuildKit builds (build cache records, and images whose layers those records hold:
// a plan must read the build cache to count what deleting such an image frees).
//
// BuildKit builds need a BuildKit client: Debian's docker.io 20.10 client (/usr/bin/docker) with
// DOCKER_BUILDKIT=1 (/usr/local/bin/docker has no buildx). The private engines have no bridge
// network and no registry is reachable, so every build is `--network none` on a world image.
// Image IDs of builds differ between engines (BuildKit stamps the build time); their shapes
// (layers, sizes, records) are the same.
import { execFile } from 'node:child_process'
import { createCipheriv, createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { mapConcurrently } from './engine.mjs'

const run = promisify(execFile)
export const BUILDKIT_CLIENT = '/usr/bin/docker'

/** Deterministic incompressible bytes (AES-CTR keystream keyed by a name). */
function bytesOf(name, size) {
  const key = createHash('sha256').update(`drydock-bench-extra:${name}`).digest()
  return createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(size))
}

/**
 * `count` containers on tagged world images that run once and exit, each leaving `kb` kB of data
 * in its writable layer. Needs the static busybox in the world's base layers.
 */
export async function addExitedContainers(engine, images, { count, kb }) {
  const tagged = images.filter((image) => image.tags.length > 0)
  const ids = await mapConcurrently(
    Array.from({ length: count }, (_, j) => j),
    4,
    async (j) => {
      const image = tagged[(j * 37 + 11) % tagged.length]
      const { Id } = await engine.json('POST', `/containers/create?name=bench-exited-${j}`, {
        body: {
          Image: image.tags[0],
          Cmd: ['/bin/sh', '-c', `/bin/busybox head -c ${kb * 1024} /dev/urandom > /data.bin`],
          Labels: { 'drydock.bench': '1' },
          HostConfig: { NetworkMode: 'none' },
        },
      })
      await engine.json('POST', `/containers/${Id}/start`)
      const { StatusCode } = await engine.json('POST', `/containers/${Id}/wait`)
      if (StatusCode !== 0) throw new Error(`bench-exited-${j} exited with ${StatusCode}`)
      return Id
    },
  )
  return { count: ids.length, images: new Set(ids.map((_, j) => j)).size }
}

/**
 * `count` BuildKit builds, each FROM a tagged world image: a RUN that writes a file and a COPY of
 * `kb` kB from the context. Tagged bench/built:<n>; no container uses them.
 */
export async function addBuildKitBuilds(engine, images, { count, kb }) {
  if (!existsSync(BUILDKIT_CLIENT)) return { builds: 0, skipped: `${BUILDKIT_CLIENT} is missing` }
  const bases = images.filter((image) => image.tags.length > 0)
  const work = await mkdtemp(join(tmpdir(), 'dd-bench-build-'))
  const env = { ...process.env, DOCKER_HOST: engine.host, DOCKER_BUILDKIT: '1' }
  try {
    for (let n = 0; n < count; n++) {
      const context = join(work, `b${n}`)
      await run('mkdir', ['-p', context])
      const base = bases[(n * 53 + 7) % bases.length].tags[0]
      await writeFile(
        join(context, 'Dockerfile'),
        `FROM ${base}\nRUN echo built-${n} > /built.txt\nCOPY blob.bin /blob.bin\n`,
      )
      await writeFile(join(context, 'blob.bin'), bytesOf(`build-${n}`, kb * 1024))
      await run(
        BUILDKIT_CLIENT,
        ['build', '--network', 'none', '-q', '-t', `bench/built:${n}`, context],
        {
          env,
        },
      )
    }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
  const df = await engine.json('GET', '/system/df')
  return { builds: count, records: (df.BuildCache ?? []).length }
}
