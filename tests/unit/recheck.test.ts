import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { recheckItem } from '../../src/core/cleaner/executor'
import { runItem, type RunContext } from '../../src/core/cleaner/item-runner'
import { EngineWatch, type EngineSnapshot } from '../../src/core/cleaner/recheck'
import type { RecordPruner } from '../../src/core/cleaner/record-pruner'
import { protectionRules } from '../../src/core/planner/policy'
import type { PlanItem } from '../../src/shared/cleanup'

const item = (overrides: Partial<PlanItem> = {}): PlanItem => ({
  kind: 'image',
  id: 'sha256:parent',
  name: 'app:1',
  heldBy: [],
  project: null,
  after: [],
  tags: ['app:1'],
  digests: [],
  action: 'delete',
  untag: ['app:1'],
  reason: 'unused',
  blockers: [],
  affectedContainers: [],
  reclaimBytes: 10,
  requests: [{ kind: 'delete-image', name: 'app:1', force: false }],
  ...overrides,
})

const snapshot = (overrides: Partial<EngineSnapshot> = {}): EngineSnapshot => ({
  refs: new Map([['app:1', 'sha256:parent']]),
  images: new Set(['sha256:parent', 'sha256:child']),
  refsOf: new Map(),
  labels: new Map(),
  children: new Map(),
  containers: new Map(),
  containerStates: new Map(),
  ...overrides,
})

describe('re-checking an item just before it runs', () => {
  it('lets an unchanged item through', () => {
    expect(recheckItem(item(), snapshot(), new Set(['sha256:parent']))).toBeNull()
  })

  it('skips when the tag now names another image', () => {
    const moved = snapshot({ refs: new Map([['app:1', 'sha256:other000000000000']]) })
    expect(recheckItem(item(), moved, new Set())).toMatch(/app:1 now names another image/)
  })

  it('skips when a container appeared since the plan', () => {
    const used = snapshot({
      containers: new Map([['sha256:parent', [{ id: 'c1', name: 'late' }]]]),
    })
    expect(recheckItem(item(), used, new Set())).toMatch(
      /container late was created from this image after the plan/,
    )
  })

  it('tells a child that failed to go from one built after the plan', () => {
    const withChild = snapshot({ children: new Map([['sha256:parent', ['sha256:child']]]) })
    expect(recheckItem(item(), withChild, new Set(), new Set(['sha256:child']))).toMatch(
      /its child image .* was not removed/,
    )
    expect(recheckItem(item(), withChild, new Set(), new Set())).toMatch(
      /was built on this image after the plan/,
    )
    expect(
      recheckItem(item(), withChild, new Set(['sha256:child']), new Set(['sha256:child'])),
    ).toBeNull()
  })

  it('skips an image that is already gone', () => {
    expect(recheckItem(item(), snapshot({ images: new Set() }), new Set())).toBe(
      'the image is already gone',
    )
  })
})

describe('the re-check before each delete, from a snapshot the event stream vouches for', () => {
  const context = (now: EngineSnapshot, protect: string[] = [], protectLabels: string[] = []) => {
    const sent: string[] = []
    const ctx: RunContext = {
      docker: {
        getImage: () => ({
          inspect: () => Promise.reject(new Error('no inspect while the snapshot is trusted')),
        }),
      } as unknown as RunContext['docker'],
      send: (method, path) => {
        sent.push(`${method} ${path}`)
        return Promise.resolve([{ Untagged: 'app:1' }, { Deleted: 'sha256:parent' }])
      },
      watch: {
        current: () => Promise.resolve(now),
        trusted: () => now,
        invalidate: () => undefined,
      } as unknown as EngineWatch,
      layerSizes: new Map(),
      predictedBytes: (planned) => planned.reclaimBytes,
      protection: protectionRules({ protect, protectLabels }),
      protectsName: () => null,
      goingImages: new Set(['sha256:parent']),
      plannedImages: new Set(['sha256:parent']),
      plannedContainers: new Set(),
      records: {} as RecordPruner,
    }
    return { ctx, sent }
  }
  const trusted = (refs: string[], labels: Record<string, string> = {}) =>
    snapshot({
      refs: new Map(refs.map((ref) => [ref, 'sha256:parent'])),
      refsOf: new Map([['sha256:parent', refs]]),
      labels: new Map([['sha256:parent', labels]]),
    })

  it('sends the delete without an inspect when nothing changed', async () => {
    const { ctx, sent } = context(trusted(['app:1']))
    await expect(runItem(item(), ctx, () => undefined)).resolves.toMatchObject({
      outcome: 'deleted',
    })
    expect(sent).toEqual(['DELETE /images/app:1?force=false&noprune=true'])
  })

  it('skips an image that gained a tag, or a protection by tag or label, sending nothing', async () => {
    const gained = context(trusted(['app:1', 'keep:precious']))
    await expect(runItem(item(), gained.ctx, () => undefined)).resolves.toMatchObject({
      outcome: 'skipped',
      error: 'it gained keep:precious after the plan',
    })
    const labelled = context(trusted(['app:1'], { tier: 'gold' }), [], ['tier=gold'])
    await expect(runItem(item(), labelled.ctx, () => undefined)).resolves.toMatchObject({
      outcome: 'skipped',
      error: expect.stringMatching(/^protected now/),
    })
    const byTag = context(trusted(['app:1']), ['app:*'])
    await expect(runItem(item(), byTag.ctx, () => undefined)).resolves.toMatchObject({
      outcome: 'skipped',
      error: expect.stringMatching(/^protected now/),
    })
    expect([...gained.sent, ...labelled.sent, ...byTag.sent]).toEqual([])
  })
})

describe('the run’s snapshot and its event stream', () => {
  it('is not trusted while a re-read that an event asked for is under way', async () => {
    const events = new PassThrough()
    let lists = 0
    const answers: (() => void)[] = []
    const docker = {
      getEvents: () => Promise.resolve(events),
      listImages: () =>
        new Promise((resolve) => {
          const tags = lists++ === 0 ? ['app:1'] : ['app:1', 'keep:1']
          answers.push(() => resolve([{ Id: 'sha256:a', RepoTags: tags }]))
        }),
      listContainers: () => Promise.resolve([]),
    } as unknown as Parameters<typeof EngineWatch.open>[0]
    const watch = await EngineWatch.open(docker)
    const first = watch.current()
    answers.shift()!()
    expect((await first).refsOf.get('sha256:a')).toEqual(['app:1'])
    expect(watch.trusted()).not.toBeNull()

    events.write(`${JSON.stringify({ Type: 'image', Action: 'tag' })}\n`)
    await new Promise((resolve) => setImmediate(resolve))
    expect(watch.trusted()).toBeNull() // stale
    const again = watch.current()
    expect(watch.trusted()).toBeNull() // re-read under way: the old snapshot is not current
    const alongside = watch.current() // another item meanwhile: the same re-read
    answers.shift()!()
    expect((await again).refsOf.get('sha256:a')).toEqual(['app:1', 'keep:1'])
    expect(await alongside).toBe(await again)
    expect(watch.trusted()?.refsOf.get('sha256:a')).toEqual(['app:1', 'keep:1'])
    watch.close()
  })

  it('vouches for nothing once its stream has ended (the engine stopped, a proxy closed it)', async () => {
    const events = new PassThrough()
    const docker = {
      getEvents: () => Promise.resolve(events),
      listImages: () => Promise.resolve([{ Id: 'sha256:a', RepoTags: ['app:1'] }]),
      listContainers: () => Promise.resolve([]),
    } as unknown as Parameters<typeof EngineWatch.open>[0]
    const watch = await EngineWatch.open(docker)
    await watch.current()
    expect(watch.live).toBe(true)
    expect(watch.trusted()).not.toBeNull()
    events.end()
    events.resume() // an ended stream says so once its data is read
    await new Promise((resolve) => setImmediate(resolve))
    expect(watch.live).toBe(false)
    expect(watch.trusted()).toBeNull()
    watch.close()
  })
})
