/**
 * The safety rules and byte counts for containers, volumes and build cache (planner/kind-rules.ts,
 * planner/holdings.ts) on hand-made inventories. The same rules against a real engine:
 * tests/engine/whole-disk.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { resolveSelection } from '../../src/core/cleanup-service'
import { buildPlan, buildPlanAndLedger } from '../../src/core/planner/plan'
import { protectionRules } from '../../src/core/planner/policy'
import type { Inventory } from '../../src/core/engine/inventory'
import type { ItemKind, SelectionInput } from '../../src/shared/cleanup'
import { DEFAULT_SETTINGS } from '../../src/shared/settings'
import { NOW, imageId, inventory, selection, withKinds } from '../support/inventory-builder'

const MB = 1_000_000
const ANON = 'a'.repeat(64)
const ANON_MOUNTED = 'b'.repeat(64)

function plan(inv: Inventory, input: SelectionInput) {
  return buildPlan(inv, resolveSelection(selection(input), DEFAULT_SETTINGS), {
    id: 'plan-1',
    host: 'unix:///test.sock',
    version: '20.10.24',
    imageStore: 'graphdriver',
    now: NOW,
  })
}

const find = (result: ReturnType<typeof plan>, kind: ItemKind, name: string) => {
  const item = result.items.find((i) => i.kind === kind && i.name === name)
  if (!item) throw new Error(`no ${kind} ${name}: ${result.items.map((i) => i.name).join(', ')}`)
  return item
}

const world = withKinds(
  inventory(
    {
      app: {
        tags: ['app:1'],
        layers: [
          ['os', 50 * MB],
          ['app', 5 * MB],
        ],
      },
      old: { tags: [], layers: [['old', 7 * MB]] },
    },
    [
      { name: 'web', image: 'app', state: 'running', volumes: ['pgdata'] },
      { name: 'job', image: 'app', state: 'exited', volumes: [ANON_MOUNTED] },
      { name: 'keepme', image: 'app', state: 'exited', labels: { keep: 'yes' } },
      { name: 'tmp', image: 'app', state: 'created' },
    ],
  ),
  {
    volumes: [
      { name: 'pgdata', bytes: 30 * MB },
      { name: 'cache-named', bytes: 4 * MB },
      { name: ANON, bytes: 2 * MB, anonymous: true },
      { name: ANON_MOUNTED, bytes: 3 * MB, anonymous: true },
    ],
    containerBytes: { web: 1 * MB, job: 6 * MB, keepme: 1 * MB, tmp: 0 },
    buildCache: [
      { id: 'ctx', size: 8 * MB, type: 'source.local', description: 'local source for context' },
      { id: 'base', size: 1 * MB },
      { id: 'step', size: 2 * MB, parents: ['base'] },
      { id: 'busy', size: 9 * MB, inUse: true },
      { id: 'fresh', size: 3 * MB, lastUsed: NOW.getTime() - 60_000 },
    ],
  },
)

describe('containers', () => {
  it('--stopped-containers removes every container not running, never a running one', () => {
    const result = plan(world, { stoppedContainers: true, protectLabels: ['keep'] })
    expect(
      result.items.filter((i) => i.kind === 'container').map((i) => [i.name, i.action]),
    ).toEqual([
      ['job', 'delete'],
      ['keepme', 'keep'],
      ['tmp', 'delete'],
    ])
    expect(find(result, 'container', 'job').reclaimBytes).toBe(6 * MB)
    expect(find(result, 'container', 'job').requests).toEqual([
      { kind: 'remove-container', id: expect.any(String), stop: false },
    ])
  })

  it('a running container goes only when named with --force, stopped first', () => {
    expect(find(plan(world, { containers: ['web'] }), 'container', 'web')).toMatchObject({
      action: 'blocked',
      blockers: [{ kind: 'running-container', ref: 'web' }],
    })
    const forced = find(plan(world, { containers: ['web'], force: true }), 'container', 'web')
    expect(forced).toMatchObject({
      action: 'delete',
      requests: [{ kind: 'remove-container', stop: true }],
      reclaimBytes: 1 * MB,
    })
    expect(() => plan(world, { containers: ['nope'] })).toThrowError(/No such container: nope/)
  })

  it('--older-than applies to the time since a container stopped', () => {
    const result = buildPlan(world, selection({ stoppedContainers: true, olderThan: '2d' }), {
      id: 'p',
      host: 'h',
      version: 'v',
      imageStore: 'graphdriver',
      now: NOW,
      exitTimes: new Map([
        [world.containers[1]!.id, NOW.getTime() / 1000 - 3 * 86_400],
        [world.containers[3]!.id, NOW.getTime() / 1000 - 3_600],
      ]),
    })
    expect(find(result, 'container', 'job').action).toBe('delete')
    expect(find(result, 'container', 'tmp')).toMatchObject({
      action: 'keep',
      blockers: [{ kind: 'filtered' }],
    })
  })
})

describe('images freed by the containers the same plan removes', () => {
  const stoppedOnly = inventory(
    {
      tool: { tags: ['tool:1'], layers: [['tool', 4 * MB]] },
      busy: { tags: ['busy:1'], layers: [['busy', 3 * MB]] },
    },
    [
      { name: 'ran-once', image: 'tool', state: 'exited' },
      { name: 'server', image: 'busy', state: 'running' },
      { name: 'kept', image: 'busy', state: 'exited', labels: { keep: 'yes' } },
    ],
  )

  it('--stopped-containers --unused: an image only stopped containers used goes after them, as in docker system prune -a', () => {
    const result = plan(stoppedOnly, {
      stoppedContainers: true,
      unused: true,
      protectLabels: ['keep'],
    })
    const tool = find(result, 'image', 'tool:1')
    expect(tool).toMatchObject({ action: 'delete', reclaimBytes: 4 * MB })
    expect(tool.reason).toMatch(/once the containers that used it are removed/)
    expect(tool.after).toEqual([stoppedOnly.containers[0]!.id])
    expect(tool.affectedContainers).toMatchObject([{ name: 'ran-once', effect: 'removed' }])
    // A running container, or a stopped one protection keeps, still holds its image.
    expect(find(result, 'image', 'busy:1')).toMatchObject({ action: 'blocked' })
  })

  it('--unused alone never removes an image a container uses, stopped or not', () => {
    const result = plan(stoppedOnly, { unused: true })
    expect(find(result, 'image', 'tool:1')).toMatchObject({
      action: 'blocked',
      blockers: [{ kind: 'stopped-container', ref: 'ran-once' }],
    })
  })
})

describe('volumes', () => {
  it('--unused-volumes takes anonymous volumes no container mounts, never named ones', () => {
    const result = plan(world, { unusedVolumes: true })
    expect(find(result, 'volume', ANON)).toMatchObject({ action: 'delete', reclaimBytes: 2 * MB })
    expect(find(result, 'volume', ANON_MOUNTED)).toMatchObject({
      action: 'blocked',
      blockers: [{ kind: 'stopped-container', ref: 'job' }],
    })
    for (const named of ['pgdata', 'cache-named']) {
      expect(find(result, 'volume', named)).toMatchObject({
        action: 'keep',
        blockers: [{ kind: 'filtered' }],
        requests: [],
      })
    }
  })

  it('a volume goes with the stopped container that mounts it when both are planned', () => {
    const result = plan(world, { unusedVolumes: true, stoppedContainers: true })
    expect(find(result, 'volume', ANON_MOUNTED)).toMatchObject({
      action: 'delete',
      reclaimBytes: 3 * MB,
    })
    const kinds = result.items.map((i) => i.kind)
    expect(kinds.indexOf('volume')).toBeGreaterThan(kinds.lastIndexOf('container'))
  })

  it('named volumes survive every policy', () => {
    for (const input of [
      { system: true },
      { unusedVolumes: true, stoppedContainers: true, buildCache: true, unused: true },
      { policy: 'default' as const },
    ]) {
      const touched = plan(world, input).items.filter(
        (i) => i.kind === 'volume' && !i.id.match(/^[0-9a-f]{64}$/) && i.requests.length > 0,
      )
      expect(touched, JSON.stringify(input)).toEqual([])
    }
  })

  it('--volume NAME is blocked by the container that mounts it; --with-containers removes it first', () => {
    expect(find(plan(world, { volumes: ['pgdata'] }), 'volume', 'pgdata')).toMatchObject({
      action: 'blocked',
      blockers: [{ kind: 'running-container', ref: 'web' }],
    })
    const result = plan(world, { volumes: ['pgdata'], withContainers: true })
    expect(find(result, 'container', 'web')).toMatchObject({
      action: 'delete',
      requests: [{ kind: 'remove-container', stop: true }],
    })
    expect(find(result, 'volume', 'pgdata')).toMatchObject({
      action: 'delete',
      reclaimBytes: 30 * MB,
      affectedContainers: [expect.objectContaining({ name: 'web', effect: 'removed' })],
    })
  })

  it('protection applies to volumes by name and label', () => {
    const result = plan(world, { volumes: ['cache-named'], protect: ['cache-*'] })
    expect(find(result, 'volume', 'cache-named')).toMatchObject({
      action: 'keep',
      blockers: [{ kind: 'protected' }],
    })
  })
})

describe('build cache', () => {
  it('--build-cache removes what no build uses, children before parents', () => {
    const result = plan(world, { buildCache: true })
    const records = result.items.filter((i) => i.kind === 'build-cache')
    expect(records.map((i) => [i.id, i.action])).toEqual([
      ['ctx', 'delete'],
      ['step', 'delete'],
      ['base', 'delete'],
      ['busy', 'blocked'],
      ['fresh', 'delete'],
    ])
    expect(find(result, 'build-cache', 'record busy').blockers).toEqual([
      { kind: 'in-use', ref: 'busy' },
    ])
    expect(result.reclaimByKind['build-cache']).toBe((8 + 1 + 2 + 3) * MB)
  })

  it('--keep-storage keeps the most recently used records up to the size', () => {
    const result = plan(world, { buildCache: true, keepStorage: 4 * MB })
    expect(find(result, 'build-cache', 'record fresh').action).toBe('keep')
    expect(find(result, 'build-cache', 'local source for context').action).toBe('delete')
  })

  it('a record stays while a record built on it stays', () => {
    const result = plan(world, { cacheRecords: ['base'] })
    expect(find(result, 'build-cache', 'record base')).toMatchObject({
      action: 'blocked',
      blockers: [{ ref: 'step' }],
    })
    const both = plan(world, { cacheRecords: ['base', 'step'] })
    expect(both.items.map((i) => i.id)).toEqual(['step', 'base'])
  })

  it('--older-than applies to the last use', () => {
    const result = plan(world, { buildCache: true, olderThan: '1d' })
    expect(find(result, 'build-cache', 'record fresh').action).toBe('keep')
    expect(find(result, 'build-cache', 'record step').action).toBe('delete')
  })
})

describe('--system', () => {
  it('is dangling images, stopped containers and unused build cache, with exact bytes by kind', () => {
    const result = plan(world, { system: true })
    expect(result.selection).toMatchObject({
      dangling: true,
      stoppedContainers: true,
      buildCache: true,
    })
    expect(find(result, 'image', '<none>')).toMatchObject({ id: imageId('old'), action: 'delete' })
    expect(result.reclaimByKind).toEqual({
      image: 7 * MB,
      container: (6 + 1 + 0) * MB,
      volume: 0,
      'build-cache': 14 * MB,
    })
    expect(result.items.filter((i) => i.kind === 'volume')).toEqual([])
  })
})

describe('--target-size', () => {
  const lru = withKinds(
    inventory(
      {
        oldest: { tags: ['a:1'], layers: [['a', 10 * MB]], createdDaysAgo: 30 },
        middle: { tags: ['b:1'], layers: [['b', 10 * MB]], createdDaysAgo: 20 },
        newest: { tags: ['c:1'], layers: [['c', 10 * MB]], createdDaysAgo: 10 },
        used: { tags: ['d:1'], layers: [['d', 10 * MB]], createdDaysAgo: 40 },
      },
      [{ name: 'svc', image: 'used', state: 'exited' }],
    ),
    {
      buildCache: [
        { id: 'old-cache', size: 5 * MB, lastUsed: NOW.getTime() - 25 * 86_400_000 },
        { id: 'busy', size: 50 * MB, inUse: true },
      ],
    },
  )
  const uses = new Map([
    [imageId('oldest'), { at: NOW.getTime() - 30 * 86_400_000, source: 'event' as const }],
    [imageId('middle'), { at: NOW.getTime() - 3 * 86_400_000, source: 'event' as const }],
    [imageId('newest'), { at: NOW.getTime() - 15 * 86_400_000, source: 'event' as const }],
  ])
  const planTo = (bytes: number) =>
    buildPlan(lru, resolveSelection(selection({ targetSize: bytes }), DEFAULT_SETTINGS), {
      id: 'p',
      host: 'h',
      version: 'v',
      imageStore: 'graphdriver',
      now: NOW,
      lastUses: uses,
    })

  it('removes the least recently used unheld items, oldest use first, until the target is met', () => {
    // 40 MB of images + 55 MB of cache = 95 MB; the busy record and the used image stay.
    const result = planTo(75 * MB)
    expect(result.items.filter((i) => i.action === 'delete').map((i) => i.name)).toEqual([
      'a:1',
      'c:1',
      'old-cache'.replace('old-cache', 'record old-cache'),
    ])
    expect(result.target).toMatchObject({ before: 95 * MB, after: 70 * MB, met: true })
    expect(result.reclaimBytes).toBe(25 * MB)
  })

  it('stops when nothing more may go, and says so', () => {
    const result = planTo(10 * MB)
    expect(result.target).toMatchObject({ met: false, after: 60 * MB })
    expect(result.target?.reason).toMatch(/nothing more may go/)
    expect(result.items.map((i) => i.name)).not.toContain('d:1')
  })

  it('is already met: nothing goes', () => {
    const result = planTo(200 * MB)
    expect(result.items).toEqual([])
    expect(result.target).toMatchObject({ met: true, before: 95 * MB, after: 95 * MB })
  })
})

describe('protection patterns', () => {
  const image = (tags: string[]) => ({ id: imageId(tags[0] ?? 'x'), tags, digests: [], labels: {} })
  const protects = (pattern: string, tags: string[]) =>
    protectionRules({ protect: [pattern], protectLabels: [] }).protects(image(tags)) !== null

  it('a repository without a tag is every tag of it, a registry port is not a tag', () => {
    expect(protects('postgres', ['postgres:15'])).toBe(true)
    expect(protects('docker.io/library/postgres', ['postgres:15'])).toBe(true)
    expect(protects('postgres', ['docker.io/library/postgres:15'])).toBe(true)
    expect(protects('registry.local:5000/app', ['registry.local:5000/app:1.0'])).toBe(true)
    expect(protects('localhost:5000/db', ['localhost:5000/db:2'])).toBe(true)
    expect(protects('registry.local:5000/app:1.0', ['registry.local:5000/app:2.0'])).toBe(false)
    expect(protects('app:*', ['localhost/app:1'])).toBe(true)
    expect(protects('postgres', ['postgresql:15'])).toBe(false)
  })
})

describe('--with-containers and protection', () => {
  const guarded = withKinds(
    inventory({ app: { tags: ['app:1'], layers: [['app', MB]] } }, [
      {
        name: 'prod-db',
        image: 'app',
        state: 'running',
        volumes: ['pgdata'],
        labels: { keep: 'yes' },
      },
    ]),
    { volumes: [{ name: 'pgdata', bytes: MB }] },
  )

  it('never removes a protected container to free an image or a volume', () => {
    for (const input of [
      { images: ['app:1'], withContainers: true, protect: ['prod-*'] },
      { images: ['app:1'], withContainers: true, protectLabels: ['keep=yes'] },
      { volumes: ['pgdata'], withContainers: true, protect: ['prod-*'] },
    ]) {
      const result = plan(guarded, input)
      expect(
        result.items.filter((i) => i.requests.length > 0),
        JSON.stringify(input),
      ).toEqual([])
      expect(result.items.find((i) => i.kind !== 'container')?.action).toBe('blocked')
    }
  })
})

describe('build cache holding layers that a staying image shares', () => {
  // A (L1+a2+a3) goes, B (L1+b2) stays with a container; BuildKit's records hold each layer.
  const base = inventory(
    {
      a: {
        tags: ['a:1'],
        layers: [
          ['L1', 50 * MB],
          ['a2', 10 * MB],
          ['a3', 20 * MB],
        ],
      },
      b: {
        tags: ['b:1'],
        layers: [
          ['L1', 50 * MB],
          ['b2', 5 * MB],
        ],
      },
    },
    [{ name: 'c', image: 'b', state: 'running' }],
  )
  const aT = '2026-05-20T10:00:00.123456789Z'
  const bT = '2026-05-21T10:00:00.987654321Z'
  for (const image of base.images) {
    image.createdAt = image.tags[0] === 'a:1' ? aT : bT
    for (const layer of image.layers) layer.buildkit = true
  }
  const world = withKinds(base, {
    buildCache: [
      {
        id: 'r1',
        size: 0,
        description: 'pulled from docker.io/library/debian',
        shared: true,
        createdAt: '2026-05-19T00:00:00Z',
      },
      {
        id: 'ra2',
        size: 10 * MB,
        parents: ['r1'],
        description: 'mount / from exec x',
        shared: true,
        createdAt: '2026-05-20T09:59:00Z',
      },
      {
        id: 'ra3',
        size: 20 * MB,
        parents: ['ra2'],
        description: 'mount / from exec y',
        shared: true,
        createdAt: aT,
      },
      {
        id: 'rb2',
        size: 5 * MB,
        parents: ['r1'],
        description: 'mount / from exec z',
        shared: true,
        createdAt: bT,
      },
    ],
  })

  it('offers only the records whose own layers nothing else holds, and they free them', () => {
    const images = plan(world, { unused: true })
    expect(images.items.find((i) => i.name === 'a:1')).toMatchObject({
      action: 'delete',
      reclaimBytes: 0,
    })
    expect(images.hints).toEqual([
      expect.objectContaining({ add: { cacheRecords: ['ra2', 'ra3'] }, reclaimBytes: 30 * MB }),
    ])
    const both = plan(world, { unused: true, cacheRecords: ['ra2', 'ra3'] })
    expect(both.reclaimBytes).toBe(30 * MB)
    expect(both.hints).toEqual([])
  })

  it("the plan's ledger names the layers each record's bytes stand on (a run subtracts what images free)", () => {
    const { plan: result, ledger } = buildPlanAndLedger(
      world,
      resolveSelection(selection({ unused: true, cacheRecords: ['ra2', 'ra3'] }), DEFAULT_SETTINGS),
      {
        id: 'plan-1',
        host: 'unix:///test.sock',
        version: '20.10.24',
        imageStore: 'graphdriver',
        now: NOW,
      },
    )
    const sizes = new Map(
      world.images.flatMap((image) => image.layers.map((l) => [l.chainId, l.size])),
    )
    for (const id of ['ra2', 'ra3']) {
      const layers = ledger.recordLayers.get(id) ?? []
      expect(layers.length, id).toBe(1)
      expect(layers.reduce((sum, chainId) => sum + (sizes.get(chainId) ?? 0), 0)).toBe(
        result.items.find((item) => item.id === id)!.reclaimBytes,
      )
    }
  })

  it('--build-cache removes the records of the image that goes, keeps those a staying image holds', () => {
    const result = plan(world, { unused: true, buildCache: true })
    const action = (id: string) => result.items.find((i) => i.id === id)?.action
    expect([action('ra3'), action('ra2'), action('rb2'), action('r1')]).toEqual([
      'delete',
      'delete',
      'keep',
      'keep',
    ])
    expect(result.reclaimBytes).toBe(30 * MB)
  })
})
