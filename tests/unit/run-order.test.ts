/**
 * The order a run sends its requests in (cleaner/executor.ts runScheduled), against a stand-in
 * engine whose container removals take a while: on Docker an image's delete waits only for the
 * containers made from it, and a volume for those that mount it; on Podman every container goes
 * first. The real engine's side of it is in tests/engine (cleanup, whole-disk).
 */
import { describe, expect, it } from 'vitest'
import { executePlan, type CleanupJournal } from '../../src/core/cleaner/executor'
import type { EngineSnapshot, EngineWatch } from '../../src/core/cleaner/recheck'
import type { Plan, PlanItem } from '../../src/shared/cleanup'

const item = (overrides: Partial<PlanItem> & Pick<PlanItem, 'kind' | 'id'>): PlanItem => ({
  name: overrides.id,
  heldBy: [],
  project: null,
  after: [],
  tags: [],
  digests: [],
  action: 'delete',
  untag: [],
  reason: 'unused',
  blockers: [],
  affectedContainers: [],
  reclaimBytes: 1,
  requests: [],
  ...overrides,
})

const removed = (id: string) => ({ id, name: id, state: 'exited', effect: 'removed' as const })

/** c-slow made image-b and mounts vol; c-fast made image-a. */
function world(): { plan: Plan; snapshot: EngineSnapshot } {
  const image = (id: string, container: string) =>
    item({
      kind: 'image',
      id: `sha256:${id}`,
      tags: [`${id}:1`],
      untag: [`${id}:1`],
      after: [container],
      affectedContainers: [removed(container)],
      requests: [{ kind: 'delete-image', name: `${id}:1`, force: false }],
    })
  const items = [
    item({
      kind: 'container',
      id: 'c-slow',
      requests: [{ kind: 'remove-container', id: 'c-slow', stop: false }],
    }),
    item({
      kind: 'container',
      id: 'c-fast',
      requests: [{ kind: 'remove-container', id: 'c-fast', stop: false }],
    }),
    image('image-a', 'c-fast'),
    image('image-b', 'c-slow'),
    item({
      kind: 'volume',
      id: 'vol',
      affectedContainers: [removed('c-slow')],
      requests: [{ kind: 'remove-volume', name: 'vol' }],
    }),
  ]
  const plan = {
    id: 'plan',
    engine: {
      host: 'unix:///stand-in.sock',
      id: 'engine',
      version: '20.10',
      imageStore: 'graphdriver',
    },
    selection: { protect: [], protectLabels: [] },
    createdAt: new Date().toISOString(),
    items,
    reclaimBytes: items.length,
  } as unknown as Plan
  const snapshot: EngineSnapshot = {
    refs: new Map([
      ['image-a:1', 'sha256:image-a'],
      ['image-b:1', 'sha256:image-b'],
    ]),
    images: new Set(['sha256:image-a', 'sha256:image-b']),
    refsOf: new Map([
      ['sha256:image-a', ['image-a:1']],
      ['sha256:image-b', ['image-b:1']],
    ]),
    labels: new Map(),
    children: new Map(),
    containers: new Map([
      ['sha256:image-a', [{ id: 'c-fast', name: 'c-fast' }]],
      ['sha256:image-b', [{ id: 'c-slow', name: 'c-slow' }]],
    ]),
    containerStates: new Map([
      ['c-fast', { name: 'c-fast', running: false, volumes: [] }],
      ['c-slow', { name: 'c-slow', running: false, volumes: ['vol'] }],
    ]),
  }
  return { plan, snapshot }
}

async function run(engineKind: 'docker' | 'podman'): Promise<string[]> {
  const { plan, snapshot } = world()
  const log: string[] = []
  const journal: CleanupJournal = {
    startRun: () => 'run',
    startItem: () => undefined,
    recordItem: () => undefined,
    finishRun: () => undefined,
  }
  const watch = {
    current: () => Promise.resolve(snapshot),
    trusted: () => snapshot,
    invalidate: () => undefined,
    removedContainer: (id: string) => snapshot.containerStates.delete(id),
    close: () => undefined,
  } as unknown as EngineWatch
  const result = await executePlan({
    docker: {} as never,
    // Podman's re-check inspects the image by its name.
    get: (path) => {
      const name = /^\/images\/(.+):1\/json$/.exec(path)![1]!
      return Promise.resolve({ Id: `sha256:${name}`, RepoTags: [`${name}:1`], Config: {} })
    },
    send: async (method, path) => {
      const what = path.split('?')[0]!
      log.push(`start ${what}`)
      await new Promise((resolve) => setTimeout(resolve, what.includes('c-slow') ? 60 : 5))
      log.push(`end ${what}`)
      return what.startsWith('/images/') ? [{ Deleted: `sha256:${what.slice(8, -2)}` }] : null
    },
    watch,
    plan,
    journal,
    trigger: 'manual',
    layerSizes: new Map(),
    recordLayers: new Map(),
    engineKind,
  })
  expect(result.items.map((i) => `${i.id} ${i.outcome}`)).toEqual([
    'c-slow deleted',
    'c-fast deleted',
    'sha256:image-a deleted',
    'sha256:image-b deleted',
    'vol deleted',
  ])
  return log
}

const before = (log: string[], a: string, b: string) => log.indexOf(a) < log.indexOf(b)

describe('the order of a run', () => {
  it('Docker: an image goes once its own containers are gone, while others still go', async () => {
    const log = await run('docker')
    expect(before(log, 'end /containers/c-fast', 'start /images/image-a:1')).toBe(true)
    expect(before(log, 'start /images/image-a:1', 'end /containers/c-slow')).toBe(true)
    expect(before(log, 'end /containers/c-slow', 'start /images/image-b:1')).toBe(true)
    expect(before(log, 'end /containers/c-slow', 'start /volumes/vol')).toBe(true)
  })

  it('Podman: every container first, one request at a time', async () => {
    const log = await run('podman')
    expect(log.slice(0, 4)).toEqual([
      'start /containers/c-slow',
      'end /containers/c-slow',
      'start /containers/c-fast',
      'end /containers/c-fast',
    ])
  })
})
