/**
 * The other kinds on the private engine, for the Containers, Volumes, Build cache and Cleanup
 * specs: everything named after the run (`dd-k-<run id>-…`), labelled with it where the engine
 * takes labels, and tracked by name or ID where it does not (an anonymous volume, build cache
 * records). `remove()` deletes exactly what it made, and nothing else.
 *
 *   containers  web     running (busybox sleep, --network none), compose project, mounts `data`
 *               job-1   exited, 300 kB written in its writable layer
 *               job-2   exited, 120 kB written, compose project
 *   volumes     data    named, in use (web mounts it), compose project
 *               spare   named, unused, 200 kB of data
 *               anon    anonymous, unused (its container was removed without -v), 50 kB
 *   build cache built   an image built by BuildKit (FROM scratch + COPY busybox + COPY marker)
 *                       that stays: its records are shared with the image's layers
 *               orphan  built the same way, then its image removed: its marker record is
 *                       shared with nothing
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Dockerode from 'dockerode'
import { busyboxLayer, loadImages } from '../../support/image-archive'
import {
  TEST_REPOSITORY_PREFIX,
  cleanupTestObjects,
  createTestRun,
  socketPathOf,
  statusCodeOf,
  testEngineHost,
  type TestRun,
} from '../../support/test-engine'

/** Debian's docker.io client: BuildKit built in (/usr/local/bin/docker has none). */
const BUILDKIT_CLIENT = '/usr/bin/docker'
const COMPOSE_LABEL = 'com.docker.compose.project'

export interface KindsWorld {
  run: TestRun
  /** `dd-k-<run id>`: every container and named volume of this world starts with it. */
  prefix: string
  /** This world's compose project. */
  project: string
  image: { id: string; ref: string }
  containers: Record<'web' | 'job1' | 'job2', { id: string; name: string }>
  volumes: { data: string; spare: string; anon: string }
  /** Null when BuildKit is not available here (the build cache tests then skip). */
  buildCache: {
    /** Every record this world's builds made. */
    ids: string[]
    /** The image that stays, and its marker's record (shared with its layer). */
    built: { id: string; ref: string; record: string }
    /** The marker record of the image that was removed (shared with nothing). */
    orphan: { record: string }
  } | null
  remove(): Promise<void>
}

interface CacheRecord {
  ID: string
  Type: string
  Size: number
  Shared: boolean
  InUse: boolean
  CreatedAt: string
}

async function buildCacheRecords(docker: Dockerode): Promise<CacheRecord[]> {
  const df = (await docker.df()) as { BuildCache?: CacheRecord[] | null }
  return df.BuildCache ?? []
}

/** A container with no network (the private engine has no bridge), labelled and tracked. */
async function createContainer(
  docker: Dockerode,
  run: TestRun,
  options: {
    image: string
    name: string
    cmd: string[]
    labels?: Record<string, string>
    binds?: string[]
    anonymous?: string[]
  },
): Promise<Dockerode.Container> {
  const container = await docker.createContainer({
    Image: options.image,
    Cmd: options.cmd,
    name: options.name,
    Labels: { ...options.labels, ...run.labels },
    StopTimeout: 1,
    Volumes: Object.fromEntries((options.anonymous ?? []).map((path) => [path, {}])),
    HostConfig: { NetworkMode: 'none', Binds: options.binds ?? [] },
  })
  run.containerIds.add(container.id)
  return container
}

/** Writes `bytes` random bytes to `path` inside the container, and waits for it to exit. */
function writeCommand(path: string, bytes: number): string[] {
  return ['/bin/busybox', 'sh', '-c', `/bin/busybox head -c ${bytes} /dev/urandom > ${path}`]
}

async function runToEnd(container: Dockerode.Container): Promise<void> {
  await container.start()
  const { StatusCode } = (await container.wait()) as { StatusCode: number }
  if (StatusCode !== 0) throw new Error(`fixture container exited with ${StatusCode}`)
}

export async function buildKindsWorld(docker: Dockerode, name: string): Promise<KindsWorld> {
  const run = createTestRun(name)
  const prefix = `dd-k-${run.id.toLowerCase()}`
  const project = `${prefix}-app`
  const seed = [...run.id].reduce((sum, char) => (sum * 31 + char.charCodeAt(0)) % 1_000_003, 11)
  const volumes = { data: `${prefix}-data`, spare: `${prefix}-spare`, anon: '' }
  const records: string[] = []
  const remove = async (): Promise<void> => {
    await cleanupTestObjects(docker, run)
    for (const volume of [volumes.data, volumes.spare, volumes.anon].filter(Boolean)) {
      await docker
        .getVolume(volume)
        .remove()
        .catch((error: unknown) => {
          if (statusCodeOf(error) !== 404) throw error
        })
    }
    await pruneRecords(records)
  }

  try {
    const ref = `${TEST_REPOSITORY_PREFIX}kinds-${run.id.toLowerCase()}/box:1`
    const [box] = await loadImages(
      docker,
      [
        {
          tags: [ref],
          created: '2022-05-01T00:00:00Z',
          layers: [busyboxLayer(), { files: { '/etc/world': { size: 1_000, seed } } }],
        },
      ],
      run,
    )
    const image = { id: box!.id, ref }
    const compose = { [COMPOSE_LABEL]: project }

    await docker.createVolume({ Name: volumes.data, Labels: { ...run.labels, ...compose } })
    await docker.createVolume({ Name: volumes.spare, Labels: { ...run.labels } })

    const web = await createContainer(docker, run, {
      image: ref,
      name: `${prefix}-web`,
      cmd: ['/bin/busybox', 'sleep', '3600'],
      labels: compose,
      binds: [`${volumes.data}:/data`],
    })
    await web.start()
    const job1 = await createContainer(docker, run, {
      image: ref,
      name: `${prefix}-job-1`,
      cmd: writeCommand('/junk.bin', 300_000),
    })
    await runToEnd(job1)
    const job2 = await createContainer(docker, run, {
      image: ref,
      name: `${prefix}-job-2`,
      cmd: writeCommand('/junk.bin', 120_000),
      labels: compose,
    })
    await runToEnd(job2)

    // Data in the spare volume, written by a container that is then removed.
    const filler = await createContainer(docker, run, {
      image: ref,
      name: `${prefix}-filler`,
      cmd: writeCommand('/spare/data.bin', 200_000),
      binds: [`${volumes.spare}:/spare`],
    })
    await runToEnd(filler)
    await filler.remove()
    run.containerIds.delete(filler.id)

    // An anonymous volume whose container is removed without -v: unused, and no one's.
    const maker = await createContainer(docker, run, {
      image: ref,
      name: `${prefix}-maker`,
      cmd: writeCommand('/anon/data.bin', 50_000),
      anonymous: ['/anon'],
    })
    await runToEnd(maker)
    const mounts = ((await maker.inspect()) as { Mounts: { Name?: string; Destination: string }[] })
      .Mounts
    volumes.anon = mounts.find((mount) => mount.Destination === '/anon')?.Name ?? ''
    if (!volumes.anon) throw new Error('the anonymous volume was not made')
    await maker.remove({ v: false })
    run.containerIds.delete(maker.id)

    const buildCache = existsSync(BUILDKIT_CLIENT)
      ? await buildWithBuildKit(docker, run, prefix, seed, records)
      : null

    return {
      run,
      prefix,
      project,
      image,
      containers: {
        web: { id: web.id, name: `${prefix}-web` },
        job1: { id: job1.id, name: `${prefix}-job-1` },
        job2: { id: job2.id, name: `${prefix}-job-2` },
      },
      volumes,
      buildCache,
      remove,
    }
  } catch (error) {
    // A half-built world is still ours to remove.
    await remove().catch(() => undefined)
    throw error
  }
}

/**
 * Two BuildKit builds from a context of this run's own (so every record is new): one image stays,
 * the other is removed. Records are told apart from others' by appearing during these builds and
 * by their sizes (the markers' sizes are this world's own).
 */
async function buildWithBuildKit(
  docker: Dockerode,
  run: TestRun,
  prefix: string,
  seed: number,
  records: string[],
): Promise<KindsWorld['buildCache']> {
  const context = mkdtempSync(join(tmpdir(), `${prefix}-context-`))
  const sizes = { built: 130_000 + (seed % 1000), orphan: 170_000 + (seed % 1000) }
  try {
    copyFileSync('/bin/busybox', join(context, 'busybox'))
    for (const [marker, size] of Object.entries(sizes)) {
      writeFileSync(join(context, `${marker}.bin`), randomBytes(`${run.id}:${marker}`, size))
    }
    const before = new Set((await buildCacheRecords(docker)).map((record) => record.ID))
    const start = Date.now() - 1_000
    const build = async (marker: 'built' | 'orphan'): Promise<string> => {
      const ref = `${TEST_REPOSITORY_PREFIX}kinds-${run.id.toLowerCase()}/${marker}:1`
      writeFileSync(
        join(context, `${marker}.Dockerfile`),
        `FROM scratch\nCOPY busybox /bin/busybox\nCOPY ${marker}.bin /data/${marker}.bin\nLABEL drydock.test=${run.id}\n`,
      )
      await execClient([
        'build',
        '-q',
        '-f',
        join(context, `${marker}.Dockerfile`),
        '-t',
        ref,
        context,
      ])
      const id = ((await docker.getImage(ref).inspect()) as { Id: string }).Id
      run.imageIds.add(id)
      return id
    }
    const builtId = await build('built')
    const orphanId = await build('orphan')
    await docker.getImage(orphanId).remove()
    run.imageIds.delete(orphanId)

    const end = Date.now() + 1_000
    // New, and made while these builds ran: another test's build at the same moment is the only
    // way a record of someone else's could be counted as this world's.
    const made = (await buildCacheRecords(docker)).filter(
      (record) =>
        !before.has(record.ID) &&
        Date.parse(record.CreatedAt) >= start &&
        Date.parse(record.CreatedAt) <= end,
    )
    records.push(...made.map((record) => record.ID))
    const bySize = (size: number) => made.find((record) => record.Size === size)?.ID
    const built = bySize(sizes.built)
    const orphan = bySize(sizes.orphan)
    if (!built || !orphan) {
      throw new Error(`the build cache records of the markers were not found among ${made.length}`)
    }
    return {
      ids: made.map((record) => record.ID),
      built: {
        id: builtId,
        ref: `${TEST_REPOSITORY_PREFIX}kinds-${run.id.toLowerCase()}/built:1`,
        record: built,
      },
      orphan: { record: orphan },
    }
  } finally {
    rmSync(context, { recursive: true, force: true })
  }
}

/**
 * Removes build cache records by ID, one request each (the engine takes one ID per filter). A
 * request of its own, not dockerode's pruneBuilder: that one drops its options, and a prune
 * without the filter would remove every unused record on the engine.
 */
async function pruneRecords(ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    if (!/^[a-z0-9]{10,}$/.test(id)) throw new Error(`not a build cache record ID: ${id}`)
    const filters = encodeURIComponent(JSON.stringify({ id: [id] }))
    const answer = await new Promise<string>((resolve, reject) => {
      const request = httpRequest(
        {
          socketPath: socketPathOf(testEngineHost),
          path: `/build/prune?filters=${filters}`,
          method: 'POST',
        },
        (response) => {
          let body = ''
          response.on('data', (chunk: Buffer) => (body += chunk.toString()))
          response.on('end', () =>
            response.statusCode === 200
              ? resolve(body)
              : reject(new Error(`pruning ${id}: ${response.statusCode} ${body}`)),
          )
        },
      )
      request.on('error', reject)
      request.end()
    })
    const deleted = (JSON.parse(answer) as { CachesDeleted?: string[] | null }).CachesDeleted ?? []
    const others = deleted.filter((other) => other !== id)
    if (others.length > 0) throw new Error(`pruning ${id} also removed ${others.join(', ')}`)
  }
}

function randomBytes(seed: string, length: number): Buffer {
  const blocks: Buffer[] = []
  for (let i = 0; i * 32 < length; i++)
    blocks.push(createHash('sha256').update(`${seed}:${i}`).digest())
  return Buffer.concat(blocks).subarray(0, length)
}

function execClient(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(BUILDKIT_CLIENT, args, {
      env: { ...process.env, DOCKER_HOST: testEngineHost, DOCKER_BUILDKIT: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`docker ${args.join(' ')}: ${stderr.slice(-2000)}`)),
    )
  })
}
