import { describe, expect, it } from 'vitest'
import { buildPlan } from '../../src/core/planner/plan'
import type { Inventory } from '../../src/core/engine/inventory'
import type { SelectionInput } from '../../src/shared/cleanup'
import { NOW, imageId, inventory, selection } from '../support/inventory-builder'

const MB = 1_000_000

function plan(inv: Inventory, input: SelectionInput, containerSizes?: Map<string, number>) {
  return buildPlan(inv, selection(input), {
    id: 'plan-1',
    host: 'unix:///test.sock',
    version: '20.10.24',
    imageStore: 'graphdriver',
    now: NOW,
    containerSizes,
  })
}

function itemFor(result: ReturnType<typeof plan>, name: string) {
  const item = result.items.find((i) => i.id === imageId(name))
  if (!item)
    throw new Error(`no item for ${name}: ${result.items.map((i) => i.tags.join()).join('; ')}`)
  return item
}

/** A world with most of the situations the engine distinguishes. */
const world = inventory(
  {
    base: { tags: ['app/base:1'], layers: [['os', 50 * MB]] },
    web: {
      tags: ['app/web:1', 'app/web:latest'],
      layers: [
        ['os', 50 * MB],
        ['web', 10 * MB],
      ],
    },
    api: {
      tags: ['app/api:1'],
      layers: [
        ['os', 50 * MB],
        ['api', 20 * MB],
      ],
    },
    old: {
      tags: ['app/old:1'],
      layers: [['old', 30 * MB]],
      createdDaysAgo: 800,
      labels: { keep: 'true' },
    },
    ancient: { tags: ['app/ancient:1'], layers: [['anc', 40 * MB]], createdDaysAgo: 900 },
    orphan: { layers: [['orphan', 5 * MB]] },
    mid: {
      parent: 'parent',
      layers: [
        ['p', 8 * MB],
        ['mid', 2 * MB],
      ],
    },
    parent: { tags: ['chain/parent:1'], layers: [['p', 8 * MB]] },
    child: {
      tags: ['chain/child:1'],
      parent: 'mid',
      layers: [
        ['p', 8 * MB],
        ['mid', 2 * MB],
        ['child', 3 * MB],
      ],
    },
    running: { tags: ['svc/run:1', 'svc/run:2'], layers: [['run', 7 * MB]] },
    stopped: { tags: ['svc/stop:1'], layers: [['stop', 6 * MB]] },
    danglingUsed: { layers: [['du', 4 * MB]] },
  },
  [
    { name: 'runner', image: 'running', state: 'running' },
    { name: 'sleeper', image: 'stopped', state: 'exited' },
    { name: 'ghost', image: 'danglingUsed', state: 'exited' },
  ],
)

describe('--dangling', () => {
  const result = plan(world, { dangling: true })

  it('deletes untagged images nothing needs and skips intermediate build steps', () => {
    expect(itemFor(result, 'orphan')).toMatchObject({ action: 'delete', reclaimBytes: 5 * MB })
    expect(result.items.find((i) => i.id === imageId('mid'))).toBeUndefined()
  })

  it('blocks a dangling image a container uses, naming the container', () => {
    expect(itemFor(result, 'danglingUsed')).toMatchObject({
      action: 'blocked',
      blockers: [{ kind: 'stopped-container', ref: 'ghost' }],
      affectedContainers: [{ name: 'ghost', effect: 'blocks' }],
    })
  })

  it('totals only what is deleted', () => {
    expect(result.reclaimBytes).toBe(5 * MB)
  })
})

describe('--unused', () => {
  const result = plan(world, { unused: true })

  it('never strips a tag from an image a container uses (moby#36295)', () => {
    const running = itemFor(result, 'running')
    expect(running.action).toBe('blocked')
    expect(running.untag).toEqual([])
    expect(running.requests).toEqual([])
  })

  it('deletes a parent/child chain children first, with the untagged step between them', () => {
    const order = result.items.map((i) => i.id)
    expect(order.indexOf(imageId('child'))).toBeLessThan(order.indexOf(imageId('mid')))
    expect(order.indexOf(imageId('mid'))).toBeLessThan(order.indexOf(imageId('parent')))
    expect(itemFor(result, 'mid')).toMatchObject({
      action: 'delete',
      requests: [{ kind: 'delete-image', name: imageId('mid'), force: false }],
    })
    expect(itemFor(result, 'child').reclaimBytes).toBe(3 * MB)
    expect(itemFor(result, 'mid').reclaimBytes).toBe(2 * MB)
    expect(itemFor(result, 'parent').reclaimBytes).toBe(8 * MB)
  })

  it('counts a shared layer once, on the item that frees it last', () => {
    const shared = ['base', 'web', 'api'].map((name) => itemFor(result, name))
    expect(shared.every((item) => item.action === 'delete')).toBe(true)
    expect(shared.reduce((sum, item) => sum + item.reclaimBytes, 0)).toBe(80 * MB)
  })

  it('removes every tag of a multi-tag image, one request per reference, never forced', () => {
    expect(itemFor(result, 'web').requests).toEqual([
      { kind: 'delete-image', name: 'app/web:1', force: false },
      { kind: 'delete-image', name: 'app/web:latest', force: false },
    ])
  })

  it('honours --older-than and --protect-label, and says why', () => {
    const filtered = plan(world, { unused: true, olderThan: '365d', protectLabels: ['keep=true'] })
    expect(itemFor(filtered, 'ancient').action).toBe('delete')
    expect(itemFor(filtered, 'old')).toMatchObject({
      action: 'keep',
      blockers: [{ kind: 'protected' }],
    })
    expect(itemFor(filtered, 'web')).toMatchObject({
      action: 'keep',
      blockers: [{ kind: 'filtered' }],
    })
  })
})

describe('--keep-last', () => {
  const repo = inventory({
    v1: { tags: ['r/app:1'], layers: [['a1', MB]], createdDaysAgo: 30 },
    v2: { tags: ['r/app:2'], layers: [['a2', MB]], createdDaysAgo: 20 },
    v3: { tags: ['r/app:3', 'r/app:latest'], layers: [['a3', MB]], createdDaysAgo: 10 },
    mixed: { tags: ['r/app:0', 'other/x:1'], layers: [['m', MB]], createdDaysAgo: 40 },
  })

  it('keeps the N newest tags of each repository and removes or untags the rest', () => {
    const result = plan(repo, { keepLast: 2 })
    // The two newest tags of r/app are on v3; everything else in r/app expires.
    expect(itemFor(result, 'v1').action).toBe('delete')
    expect(itemFor(result, 'v2').action).toBe('delete')
    expect(result.items.find((i) => i.id === imageId('v3'))).toBeUndefined()
    expect(itemFor(result, 'mixed')).toMatchObject({ action: 'untag', untag: ['r/app:0'] })
  })
})

describe('--image (docker rmi)', () => {
  it('untags only when other references remain', () => {
    expect(itemFor(plan(world, { images: ['app/web:1'] }), 'web')).toMatchObject({
      action: 'untag',
      untag: ['app/web:1'],
      reclaimBytes: 0,
    })
  })

  it('deletes the only tag of an unused image, freeing its unique layers', () => {
    expect(itemFor(plan(world, { images: ['app/api:1'] }), 'api')).toMatchObject({
      action: 'delete',
      reclaimBytes: 20 * MB,
    })
  })

  it('blocks the only tag of an image a stopped container uses; force deletes it but frees nothing', () => {
    const safe = itemFor(plan(world, { images: ['svc/stop:1'] }), 'stopped')
    expect(safe.action).toBe('blocked')
    expect(safe.reason).toMatch(/must force/)
    expect(safe.blockers).toEqual([{ kind: 'stopped-container', ref: 'sleeper' }])

    const forced = itemFor(plan(world, { images: ['svc/stop:1'], force: true }), 'stopped')
    expect(forced).toMatchObject({
      action: 'delete',
      reclaimBytes: 0,
      affectedContainers: [{ name: 'sleeper', effect: 'orphaned' }],
    })
  })

  it('forcing the tag of a running container’s image only untags it', () => {
    const single = inventory({ solo: { tags: ['svc/solo:1'], layers: [['s', MB]] } }, [
      { name: 'r', image: 'solo', state: 'running' },
    ])
    expect(itemFor(plan(single, { images: ['svc/solo:1'], force: true }), 'solo')).toMatchObject({
      action: 'untag',
      affectedContainers: [{ effect: 'untagged-under' }],
    })
  })

  it('by ID: several tags must be forced; a running container cannot be forced', () => {
    expect(itemFor(plan(world, { images: [imageId('web')] }), 'web')).toMatchObject({
      action: 'blocked',
      blockers: [{ kind: 'multiple-references' }],
    })
    expect(itemFor(plan(world, { images: [imageId('web')], force: true }), 'web').action).toBe(
      'delete',
    )
    const running = itemFor(plan(world, { images: [imageId('running')], force: true }), 'running')
    expect(running).toMatchObject({
      action: 'blocked',
      blockers: [{ kind: 'running-container', ref: 'runner' }],
    })
    expect(running.reason).toMatch(/cannot be forced/)
  })

  it('a parent with a child: by ID blocked even forced, by tag untagged only', () => {
    expect(
      itemFor(plan(world, { images: [imageId('parent')], force: true }), 'parent'),
    ).toMatchObject({ action: 'blocked', blockers: [{ kind: 'child-image' }] })
    expect(itemFor(plan(world, { images: ['chain/parent:1'] }), 'parent')).toMatchObject({
      action: 'untag',
    })
  })

  it('deleting a child walks up to the first tagged parent', () => {
    const result = plan(world, { images: ['chain/child:1'] })
    expect(itemFor(result, 'child').action).toBe('delete')
    expect(itemFor(result, 'mid').action).toBe('delete')
    expect(result.items.find((i) => i.id === imageId('parent'))).toBeUndefined()
    expect(result.reclaimBytes).toBe(5 * MB)
  })

  it('--with-containers stops and removes the listed containers first, and counts their layers', () => {
    const sizes = new Map([[world.containers[0]!.id, 3 * MB]])
    const planned = plan(
      world,
      { images: [imageId('running')], withContainers: true, force: true },
      sizes,
    )
    const container = planned.items[0]!
    expect(container).toMatchObject({
      kind: 'container',
      name: 'runner',
      action: 'delete',
      requests: [{ kind: 'remove-container', id: world.containers[0]!.id, stop: true }],
      reclaimBytes: 3 * MB,
    })
    const item = itemFor(planned, 'running')
    expect(item.action).toBe('delete')
    expect(item.affectedContainers).toEqual([
      expect.objectContaining({ name: 'runner', effect: 'removed' }),
    ])
    expect(item.reclaimBytes + container.reclaimBytes).toBe(10 * MB)
    expect(planned.reclaimByKind).toMatchObject({ container: 3 * MB, image: 7 * MB })
  })

  it('never touches a protected image, even forced', () => {
    const item = itemFor(
      plan(world, { images: ['app/web:1'], force: true, protect: ['app/web:*'] }),
      'web',
    )
    expect(item).toMatchObject({ action: 'keep', requests: [], blockers: [{ kind: 'protected' }] })
  })

  it('refuses an unknown reference with a usage error', () => {
    expect(() => plan(world, { images: ['nope:1'] })).toThrowError(/No such image: nope:1/)
  })
})
