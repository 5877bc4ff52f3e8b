/**
 * A small fixture world on the private engine for the Images and Cleanup specs: one image of each
 * kind the Images page flags, under a repository prefix of its own (and content seeded by the run
 * id, so no other spec's image can share an ID with it). `remove()` deletes exactly what it made.
 *
 *   running   used by a running container            chips: running
 *   stopped   used by an exited container            chips: stopped
 *   parent    has a child built by the legacy builder chips: children
 *   child     built FROM parent                      chips: none
 *   multi     two tags                               chips: several tags
 *   dangling  no tag, no child                       chips: dangling
 *   plain     one tag, nothing uses it               chips: none
 */
import type Dockerode from 'dockerode'
import { busyboxLayer, loadImages, type ImageSpec } from '../../support/image-archive'
import { buildChild } from '../../support/legacy-build'
import {
  TEST_REPOSITORY_PREFIX,
  cleanupTestObjects,
  createTestContainer,
  createTestRun,
  type TestRun,
} from '../../support/test-engine'

export const WORLD_IMAGES = [
  'running',
  'stopped',
  'parent',
  'child',
  'multi',
  'dangling',
  'plain',
] as const

export type WorldImage = (typeof WORLD_IMAGES)[number]

export interface FixtureWorld {
  run: TestRun
  /** `drydock-test/ui-<run id>`: every tag of this world starts with it. */
  prefix: string
  images: Record<WorldImage, { id: string; tags: string[] }>
  containers: {
    running: { id: string; name: string }
    stopped: { id: string; name: string }
  }
  /** The chips the Images page must show for each image, exactly. */
  expectedStatuses: Record<WorldImage, string[]>
  /** Deletes the containers and images this world made (those a test already removed too). */
  remove(): Promise<void>
}

const CREATED = '2021-03-01T00:00:00Z'

export async function buildFixtureWorld(docker: Dockerode, name: string): Promise<FixtureWorld> {
  const run = createTestRun(name)
  const prefix = `${TEST_REPOSITORY_PREFIX}ui-${run.id.toLowerCase()}`
  const ref = (repository: string, tag = '1') => `${prefix}/${repository}:${tag}`
  // A seed from the run id: this world's layers (and so its image IDs) are its own.
  const seed = [...run.id].reduce((sum, char) => (sum * 31 + char.charCodeAt(0)) % 1_000_003, 7)
  const blob = (path: string, size: number) => ({
    files: { [path]: { size, seed } },
  })
  const spec = (tags: string[], path: string, size: number, busybox = false): ImageSpec => ({
    tags,
    created: CREATED,
    layers: busybox ? [busyboxLayer(), blob(path, size)] : [blob(path, size)],
  })

  try {
    const [running, stopped, parent, multi, dangling, plain] = await loadImages(
      docker,
      [
        spec([ref('running')], '/data/running', 300_000, true),
        spec([ref('stopped')], '/data/stopped', 400_000, true),
        spec([ref('parent')], '/data/parent', 500_000),
        spec([ref('multi', '1'), ref('multi', 'latest')], '/data/multi', 600_000),
        spec([], '/data/dangling', 700_000),
        spec([ref('plain')], '/data/plain', 250_000),
      ],
      run,
    )
    if (!running || !stopped || !parent || !multi || !dangling || !plain) {
      throw new Error('the fixture world loaded fewer images than it asked for')
    }
    const childTag = ref('child')
    // Files only, no labels (so no `run`, which adds its label): one build step, so the child's
    // Parent is `parent` itself rather than an untagged intermediate. Tracked for removal by ID.
    const childId = await buildChild(docker, {
      from: ref('parent'),
      tag: childTag,
      files: { 'child.bin': { size: 200_000, seed } },
    })
    run.imageIds.add(childId)

    const containerName = (role: string) => `dd-ui-${run.id.toLowerCase()}-${role}`
    const runningContainer = await createTestContainer(docker, run, {
      image: running.id,
      name: containerName('web-1'),
      start: true,
    })
    const stoppedContainer = await createTestContainer(docker, run, {
      image: stopped.id,
      name: containerName('job-1'),
      cmd: ['true'],
      start: true,
    })
    await stoppedContainer.wait()

    return {
      run,
      prefix,
      images: {
        running: { id: running.id, tags: running.tags },
        stopped: { id: stopped.id, tags: stopped.tags },
        parent: { id: parent.id, tags: parent.tags },
        child: { id: childId, tags: [childTag] },
        multi: { id: multi.id, tags: multi.tags },
        dangling: { id: dangling.id, tags: [] },
        plain: { id: plain.id, tags: plain.tags },
      },
      containers: {
        running: { id: runningContainer.id, name: containerName('web-1') },
        stopped: { id: stoppedContainer.id, name: containerName('job-1') },
      },
      expectedStatuses: {
        running: ['running'],
        stopped: ['stopped'],
        parent: ['children'],
        child: [],
        multi: ['multi-tag'],
        dangling: ['dangling'],
        plain: [],
      },
      remove: async () => {
        await cleanupTestObjects(docker, run)
      },
    }
  } catch (error) {
    // A half-built world is still ours to remove.
    await cleanupTestObjects(docker, run).catch(() => undefined)
    throw error
  }
}

/** Whether the engine still holds an image (by ID). */
export async function imageExists(docker: Dockerode, id: string): Promise<boolean> {
  try {
    await docker.getImage(id).inspect()
    return true
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false
    throw error
  }
}
