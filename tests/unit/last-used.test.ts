import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import type { Inventory } from '../../src/core/engine/inventory'
import { DependencyGraph } from '../../src/core/planner/graph'
import { lastUses, type LastUse } from '../../src/core/planner/last-used'
import { buildPlan } from '../../src/core/planner/plan'
import { decideBulk } from '../../src/core/planner/policy'
import { openDatabase } from '../../src/core/store/database'
import { LastUsedStore } from '../../src/core/store/last-used-store'
import type { SelectionInput } from '../../src/shared/cleanup'
import { NOW, imageId, inventory, selection } from '../support/inventory-builder'
import { tempDir } from '../support/temp-dir'

const DAY_MS = 86_400_000
const MB = 1_000_000
const HOST = 'unix:///var/run/docker.sock'

/** Unix milliseconds `days` before NOW. */
const msAgo = (days: number) => NOW.getTime() - days * DAY_MS
/** Unix seconds `days` before NOW, as the engine reports container creation. */
const secondsAgo = (days: number) => msAgo(days) / 1000
const dateAgo = (days: number) => new Date(msAgo(days)).toISOString().slice(0, 10)

const world = inventory(
  {
    running: { tags: ['svc/web:1'], layers: [['web', 7 * MB]], createdDaysAgo: 100 },
    stopped: { tags: ['svc/job:1'], layers: [['job', 6 * MB]], createdDaysAgo: 100 },
    eventNewer: { tags: ['svc/cron:1'], layers: [['cron', 5 * MB]], createdDaysAgo: 100 },
    eventOlder: { tags: ['svc/batch:1'], layers: [['batch', 5 * MB]], createdDaysAgo: 100 },
    neverUsed: { tags: ['old/tool:1'], layers: [['tool', 9 * MB]], createdDaysAgo: 200 },
    builtRecently: { tags: ['new/tool:1'], layers: [['fresh', 3 * MB]], createdDaysAgo: 10 },
    pulledRecently: { tags: ['lib/redis:7'], layers: [['redis', 30 * MB]], createdDaysAgo: 100 },
    usedLongAgo: { tags: ['lib/node:18'], layers: [['node', 40 * MB]], createdDaysAgo: 100 },
    // A legacy-build chain whose leaf ran two days ago.
    base: { tags: ['chain/base:1'], layers: [['b', 8 * MB]], createdDaysAgo: 300 },
    mid: {
      parent: 'base',
      layers: [
        ['b', 8 * MB],
        ['m', 2 * MB],
      ],
      createdDaysAgo: 250,
    },
    leaf: {
      tags: ['chain/leaf:1'],
      parent: 'mid',
      layers: [
        ['b', 8 * MB],
        ['m', 2 * MB],
        ['l', 1 * MB],
      ],
      createdDaysAgo: 200,
    },
    // A parent used more recently than its child.
    busyParent: { tags: ['p/busy:1'], layers: [['bp', 1 * MB]], createdDaysAgo: 300 },
    quietChild: {
      tags: ['p/quiet:1'],
      parent: 'busyParent',
      layers: [
        ['bp', 1 * MB],
        ['qc', 1 * MB],
      ],
      createdDaysAgo: 290,
    },
    // A parent whose children were never seen used, one built later than the other.
    oldBase: { tags: ['o/base:1'], layers: [['ob', 4 * MB]], createdDaysAgo: 400 },
    oldChildA: {
      tags: ['o/a:1'],
      parent: 'oldBase',
      layers: [
        ['ob', 4 * MB],
        ['oa', 1 * MB],
      ],
      createdDaysAgo: 350,
    },
    oldChildB: {
      tags: ['o/b:1'],
      parent: 'oldBase',
      layers: [
        ['ob', 4 * MB],
        ['obb', 1 * MB],
      ],
      createdDaysAgo: 120,
    },
  },
  [
    { name: 'web', image: 'running', state: 'running', created: secondsAgo(50) },
    { name: 'job', image: 'stopped', state: 'exited', created: secondsAgo(40) },
    { name: 'cron', image: 'eventNewer', state: 'exited', created: secondsAgo(40) },
    { name: 'batch', image: 'eventOlder', state: 'created', created: secondsAgo(10) },
  ],
)

/** Uses the engine's events showed, as the LastUsedStore returns them. */
const recorded = new Map<string, number>([
  [imageId('eventNewer'), msAgo(3)],
  [imageId('eventOlder'), msAgo(30)],
  [imageId('pulledRecently'), msAgo(3)],
  [imageId('usedLongAgo'), msAgo(60)],
  [imageId('leaf'), msAgo(2)],
  [imageId('busyParent'), msAgo(1)],
  [imageId('quietChild'), msAgo(20)],
  // An image since removed: nothing to say about it.
  [imageId('gone'), msAgo(1)],
])

function usesOf(inv: Inventory, events: ReadonlyMap<string, number> = recorded) {
  return lastUses(new DependencyGraph(inv), events, NOW)
}

function useOf(uses: Map<string, LastUse>, name: string): LastUse {
  const use = uses.get(imageId(name))
  if (!use) throw new Error(`no last use for ${name}`)
  return use
}

describe('lastUses', () => {
  const uses = usesOf(world)

  it('counts a running container as a use now', () => {
    expect(useOf(uses, 'running')).toEqual({ at: NOW.getTime(), source: 'event' })
  })

  it('counts a stopped container as a use when it was created', () => {
    expect(useOf(uses, 'stopped')).toEqual({ at: msAgo(40), source: 'event' })
  })

  it('takes the newest of a recorded event and a container', () => {
    expect(useOf(uses, 'eventNewer')).toEqual({ at: msAgo(3), source: 'event' })
    expect(useOf(uses, 'eventOlder')).toEqual({ at: msAgo(10), source: 'event' })
    expect(useOf(uses, 'pulledRecently')).toEqual({ at: msAgo(3), source: 'event' })
  })

  it('lets a parent inherit its newest child’s use, through an untagged step', () => {
    expect(useOf(uses, 'leaf')).toEqual({ at: msAgo(2), source: 'event' })
    expect(useOf(uses, 'mid')).toEqual({ at: msAgo(2), source: 'child' })
    expect(useOf(uses, 'base')).toEqual({ at: msAgo(2), source: 'child' })
  })

  it('keeps a parent’s own use when it is newer than its children’s', () => {
    expect(useOf(uses, 'busyParent')).toEqual({ at: msAgo(1), source: 'event' })
    expect(useOf(uses, 'quietChild')).toEqual({ at: msAgo(20), source: 'event' })
  })

  it('falls back to the build time for an image never seen used, and says so', () => {
    expect(useOf(uses, 'neverUsed')).toEqual({ at: msAgo(200), source: 'created' })
    expect(useOf(uses, 'builtRecently')).toEqual({ at: msAgo(10), source: 'created' })
    // A parent counts as used when its newest child was built from it.
    expect(useOf(uses, 'oldChildA')).toEqual({ at: msAgo(350), source: 'created' })
    expect(useOf(uses, 'oldChildB')).toEqual({ at: msAgo(120), source: 'created' })
    expect(useOf(uses, 'oldBase')).toEqual({ at: msAgo(120), source: 'child' })
  })

  it('answers for every image in the inventory and nothing else', () => {
    expect([...uses.keys()].sort()).toEqual(world.images.map((image) => image.id).sort())
  })

  it('reads the events the LastUsedStore kept: the newest use per image, and the cursor', () => {
    const opened = openDatabase(join(tempDir(), 'drydock.sqlite'))
    onTestFinished(() => opened.close())
    const store = new LastUsedStore(opened.db)
    expect(store.cursor(HOST)).toBeNull()
    store.record(
      HOST,
      [
        { imageId: imageId('pulledRecently'), at: msAgo(3), event: 'image pull' },
        { imageId: imageId('eventNewer'), at: msAgo(3), event: 'container start' },
      ],
      msAgo(2),
    )
    // A later batch that reports an older use (a replayed stream) must not move it back.
    store.record(
      HOST,
      [{ imageId: imageId('pulledRecently'), at: msAgo(50), event: 'image tag' }],
      msAgo(1),
    )
    store.record(
      'tcp://other:2376',
      [{ imageId: imageId('neverUsed'), at: msAgo(1), event: 'x' }],
      0,
    )
    expect(store.cursor(HOST)).toBe(msAgo(1))

    const kept = store.uses(HOST)
    expect(kept.get(imageId('pulledRecently'))).toEqual({
      imageId: imageId('pulledRecently'),
      at: msAgo(3),
      event: 'image pull',
    })
    expect(kept.has(imageId('neverUsed'))).toBe(false)
    const fromStore = usesOf(world, new Map([...kept].map(([id, use]) => [id, use.at])))
    expect(useOf(fromStore, 'pulledRecently')).toEqual({ at: msAgo(3), source: 'event' })
    expect(useOf(fromStore, 'neverUsed').source).toBe('created')
  })
})

describe('--unused-for', () => {
  const context = (lastUsesMap?: Map<string, LastUse>) => ({
    id: 'plan-1',
    host: HOST,
    version: '20.10.24',
    imageStore: 'graphdriver' as const,
    now: NOW,
    lastUses: lastUsesMap,
  })
  /** `null`: no last uses known (the planner's fallback). */
  const plan = (input: SelectionInput, uses: Map<string, LastUse> | null = usesOf(world)) =>
    buildPlan(world, selection(input), context(uses ?? undefined))
  const itemFor = (result: ReturnType<typeof plan>, name: string) => {
    const item = result.items.find((candidate) => candidate.id === imageId(name))
    if (!item) throw new Error(`no item for ${name}`)
    return item
  }

  it('keeps recently used images with a "filtered" blocker that says when and how', () => {
    const result = plan({ unused: true, unusedFor: '30d' })
    expect(itemFor(result, 'pulledRecently')).toMatchObject({
      action: 'keep',
      reason: `recently used: used ${dateAgo(3)}, within --unused-for 30d`,
      blockers: [{ kind: 'filtered', ref: `used ${dateAgo(3)}, within --unused-for 30d` }],
      requests: [],
      reclaimBytes: 0,
    })
    expect(itemFor(result, 'builtRecently')).toMatchObject({
      action: 'keep',
      reason: `recently used: built ${dateAgo(10)}, within --unused-for 30d`,
      blockers: [{ kind: 'filtered' }],
    })
    expect(itemFor(result, 'base')).toMatchObject({
      action: 'keep',
      reason: `recently used: used by a child ${dateAgo(2)}, within --unused-for 30d`,
      blockers: [{ kind: 'filtered' }],
    })
    expect(itemFor(result, 'leaf').action).toBe('keep')
    expect(itemFor(result, 'busyParent').action).toBe('keep')
    expect(itemFor(result, 'quietChild').action).toBe('keep')
  })

  it('removes images unused for longer, and still never an image a container uses', () => {
    const result = plan({ unused: true, unusedFor: '30d' })
    expect(itemFor(result, 'neverUsed')).toMatchObject({ action: 'delete', reclaimBytes: 9 * MB })
    expect(itemFor(result, 'usedLongAgo')).toMatchObject({
      action: 'delete',
      reclaimBytes: 40 * MB,
    })
    // A family nobody used for 120 days goes whole, children first.
    expect(itemFor(result, 'oldChildA').action).toBe('delete')
    expect(itemFor(result, 'oldChildB').action).toBe('delete')
    expect(itemFor(result, 'oldBase')).toMatchObject({ action: 'delete', reclaimBytes: 4 * MB })
    const order = result.items.map((item) => item.id)
    expect(order.indexOf(imageId('oldChildB'))).toBeLessThan(order.indexOf(imageId('oldBase')))
    // Last used 40 days ago by a container that still exists: blocked by it, not filtered.
    expect(itemFor(result, 'stopped')).toMatchObject({
      action: 'blocked',
      blockers: [{ kind: 'stopped-container', ref: 'job' }],
    })
    expect(itemFor(result, 'running').action).toBe('keep')
    expect(result.reclaimBytes).toBe(9 * MB + 40 * MB + 4 * MB + 1 * MB + 1 * MB)
  })

  it('moves the line with the duration', () => {
    const result = plan({ unused: true, unusedFor: '150d' })
    expect(itemFor(result, 'neverUsed').action).toBe('delete')
    expect(itemFor(result, 'oldBase')).toMatchObject({
      action: 'keep',
      reason: `recently used: used by a child ${dateAgo(120)}, within --unused-for 150d`,
    })
    expect(itemFor(result, 'usedLongAgo').action).toBe('keep')
    expect(
      plan({ unused: true, unusedFor: '1d' })
        .items.filter((i) => i.action === 'keep')
        .map((i) => i.tags[0]),
    ).toEqual(['svc/web:1'])
  })

  it('counts from the build time when no use is known', () => {
    // Without last uses, an image pulled 3 days ago but built 100 days ago looks unused.
    const result = plan({ unused: true, unusedFor: '30d' }, null)
    expect(itemFor(result, 'pulledRecently').action).toBe('delete')
    expect(itemFor(result, 'builtRecently').reason).toBe(
      `recently used: built ${dateAgo(10)}, within --unused-for 30d`,
    )
  })

  it('decideBulk takes the last use of each image from its lookup', () => {
    const graph = new DependencyGraph(world)
    const uses = usesOf(world)
    const asked: string[] = []
    const intents = decideBulk(graph, selection({ unused: true, unusedFor: '4w' }), NOW, (id) => {
      asked.push(id)
      return uses.get(id)!
    })
    expect(intents.get(imageId('pulledRecently'))).toMatchObject({
      kind: 'keep',
      blockers: [{ kind: 'filtered', ref: `used ${dateAgo(3)}, within --unused-for 4w` }],
    })
    expect(intents.get(imageId('usedLongAgo'))?.kind).toBe('delete')
    expect(asked).toContain(imageId('usedLongAgo'))
  })
})
