// Proves the test fixture helpers against the private engine: what they build is what the
// engine reports.
import { afterAll, describe, expect, it } from 'vitest'
import {
  buildImageArchive,
  busyboxLayer,
  loadImages,
  type ImageSpec,
  type LayerSpec,
} from '../support/image-archive'
import { buildChild, parentChain } from '../support/legacy-build'
import {
  TEST_LABEL,
  cleanupTestObjects,
  createTestContainer,
  createTestRun,
  requireTestEngine,
  testRef,
} from '../support/test-engine'

const engine = await requireTestEngine()

interface InspectedImage {
  Id: string
  Parent: string
  Created: string
  RepoTags: string[]
  Size: number
  RootFS: { Layers: string[] }
  Config: { Labels: Record<string, string> | null }
}

const CREATED = new Date('2019-03-01T00:00:00Z')
const sharedBase: LayerSpec = { files: { '/etc/base.txt': 'shared base layer\n' } }

describe.skipIf(engine.skip)('test fixtures on the private engine', () => {
  const { docker } = engine
  const run = createTestRun('fixtures')
  const inspect = async (id: string) => (await docker.getImage(id).inspect()) as InspectedImage

  afterAll(async () => {
    await cleanupTestObjects(docker, run)
    const left = await docker.listImages({
      all: true,
      filters: { label: [`${TEST_LABEL}=${run.id}`] },
    })
    expect(left).toEqual([])
  })

  it('makes byte-identical archives from equal specs', async () => {
    const spec: ImageSpec = {
      tags: [testRef('same', '1')],
      created: CREATED,
      layers: [sharedBase, { files: { '/data/blob': { size: 4096, seed: 7 } } }],
    }
    const [first, second] = await Promise.all([
      buildImageArchive([spec]),
      buildImageArchive([spec]),
    ])
    expect(first.equals(second)).toBe(true)
  })

  it('loads two images that share their base layer, with the chosen date and labels', async () => {
    const [app, tool] = await loadImages(
      docker,
      [
        {
          tags: [testRef('app', '1')],
          created: CREATED,
          labels: { 'org.example.role': 'app' },
          layers: [sharedBase, { files: { '/app/blob': { size: 1_000_000 } } }],
        },
        {
          tags: [testRef('tool', '1'), testRef('tool', 'latest')],
          created: '2020-06-15T12:00:00Z',
          layers: [sharedBase, { files: { '/tool/blob': { size: 200_000 } } }],
        },
      ],
      run,
    )
    if (!app || !tool) throw new Error('expected two loaded images')

    const appInfo = await inspect(app.id)
    const toolInfo = await inspect(tool.id)
    expect(appInfo.RootFS.Layers).toEqual(app.diffIds)
    expect(appInfo.RootFS.Layers[0]).toBe(toolInfo.RootFS.Layers[0])
    expect(appInfo.RootFS.Layers[1]).not.toBe(toolInfo.RootFS.Layers[1])
    expect(new Date(appInfo.Created).toISOString()).toBe(CREATED.toISOString())
    expect(appInfo.Config.Labels).toEqual({ 'org.example.role': 'app', [TEST_LABEL]: run.id })
    expect(appInfo.RepoTags).toEqual([testRef('app', '1')])
    expect([...toolInfo.RepoTags].sort()).toEqual([testRef('tool', '1'), testRef('tool', 'latest')])
    // The random file is incompressible and the size is what the spec asked for.
    expect(appInfo.Size).toBeGreaterThanOrEqual(1_000_000)
    expect(appInfo.Size).toBeLessThan(1_010_000)
  })

  it('loads an image without tags as dangling', async () => {
    const [dangling] = await loadImages(
      docker,
      [{ tags: [], created: CREATED, layers: [{ files: { '/orphan.txt': 'no tag\n' } }] }],
      run,
    )
    if (!dangling) throw new Error('expected one loaded image')
    expect((await inspect(dangling.id)).RepoTags).toEqual([])
    const listed = await docker.listImages({ filters: { dangling: ['true'] } })
    expect(listed.map((i) => i.Id)).toContain(dangling.id)
  })

  it('runs a busybox container without a network, then cleanup removes it', async () => {
    const [busybox] = await loadImages(
      docker,
      [{ tags: [testRef('busybox', '1')], created: CREATED, layers: [busyboxLayer()] }],
      run,
    )
    if (!busybox) throw new Error('expected one loaded image')
    const container = await createTestContainer(docker, run, { image: busybox.id, start: true })
    const state = await container.inspect()
    expect(state.State.Status).toBe('running')
    expect(state.HostConfig.NetworkMode).toBe('none')
    expect(state.Config.Labels[TEST_LABEL]).toBe(run.id)

    // A run of its own, so this cleanup leaves the other tests' objects alone.
    const other = createTestRun('fixtures-other')
    const [keep] = await loadImages(
      docker,
      [{ tags: [testRef('other', '1')], created: CREATED, layers: [sharedBase] }],
      other,
    )
    if (!keep) throw new Error('expected one loaded image')
    await cleanupTestObjects(docker, run)
    await expect(container.inspect()).rejects.toMatchObject({ statusCode: 404 })
    await expect(docker.getImage(busybox.id).inspect()).rejects.toMatchObject({ statusCode: 404 })
    expect((await inspect(keep.id)).Id).toBe(keep.id)
    const removed = await cleanupTestObjects(docker, other.id)
    expect(removed.removedImages).toEqual([keep.id])
  })

  it('builds legacy children whose Parent chain leads to the base image', async () => {
    const [base] = await loadImages(
      docker,
      [{ tags: [testRef('base', '1')], created: CREATED, layers: [sharedBase] }],
      run,
    )
    if (!base) throw new Error('expected one loaded image')

    const labelOnly = await buildChild(docker, {
      from: testRef('base', '1'),
      tag: testRef('child', '1'),
      labels: { 'org.example.child': 'yes' },
      run,
    })
    const labelOnlyInfo = await inspect(labelOnly)
    expect(labelOnlyInfo.Parent).toBe(base.id)
    expect(labelOnlyInfo.RepoTags).toEqual([testRef('child', '1')])
    expect(labelOnlyInfo.Config.Labels).toMatchObject({
      'org.example.child': 'yes',
      [TEST_LABEL]: run.id,
    })
    expect(labelOnlyInfo.RootFS.Layers).toEqual(base.diffIds)

    // COPY then LABEL: two steps, so an untagged intermediate image sits between.
    const withFiles = await buildChild(docker, {
      from: testRef('base', '1'),
      tag: testRef('child', '2'),
      files: { '/srv/data.bin': { size: 50_000 }, '/bin/link': { symlink: '/srv/data.bin' } },
      run,
    })
    const chain = await parentChain(docker, withFiles)
    expect(chain).toHaveLength(2)
    expect(chain[1]).toBe(base.id)
    const intermediate = await inspect(chain[0] as string)
    expect(intermediate.RepoTags).toEqual([])
    expect((await inspect(withFiles)).RootFS.Layers).toHaveLength(2)
    expect(run.imageIds).toContain(chain[0])
  })
})
