/**
 * Podman's rules, case by case from docs/engine-rules.md §9: the engine model with `store:
 * 'podman'`, the plans built on it, protection of `localhost/` names, the answers the executor
 * reads and the usage Podman's df cannot give. Each rule is also proven against a real
 * `podman system service` in tests/engine/podman.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { runItem, type RunContext } from '../../src/core/cleaner/item-runner'
import { RecordPruner } from '../../src/core/cleaner/record-pruner'
import type { EngineWatch } from '../../src/core/cleaner/recheck'
import { engineIdOf } from '../../src/core/engine/connection'
import { engineKindOf, identityFromInfo } from '../../src/core/engine/engine-kind'
import { imageUsageFromLayers } from '../../src/core/engine/disk-usage'
import { EngineModel } from '../../src/core/planner/engine-model'
import { buildPlan } from '../../src/core/planner/plan'
import { protectionRules, shortName } from '../../src/core/planner/policy'
import type { Inventory } from '../../src/core/engine/inventory'
import type { PlanItem, SelectionInput } from '../../src/shared/cleanup'
import { NOW, imageId, inventory, selection } from '../support/inventory-builder'

const id = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`
const digest = `sha256:${'d'.repeat(64)}`

/** As Podman lists them: `localhost/` names, digests derived from each name's repository. */
function podmanWorld() {
  return EngineModel.from(
    'podman',
    [
      { id: id(1), parentId: null, tags: ['localhost/parent:1'], digests: [] },
      { id: id(2), parentId: id(1), tags: [], digests: [] },
      { id: id(3), parentId: id(2), tags: ['docker.io/team/child:1'], digests: [] },
      {
        id: id(4),
        parentId: null,
        tags: ['localhost/multi:1', 'localhost/multi:2', 'localhost/other:1'],
        digests: [`localhost/multi@${digest}`, `localhost/other@${digest}`],
      },
      { id: id(5), parentId: null, tags: ['localhost/used:1'], digests: [] },
      { id: id(6), parentId: null, tags: ['localhost/run:1'], digests: [] },
    ],
    [
      { id: 'c-stopped', imageId: id(5), running: false },
      { id: 'c-running', imageId: id(6), running: true },
      { id: 'c-multi', imageId: id(4), running: false },
    ],
  )
}

describe('engine model (Podman 4.3)', () => {
  it('a short name means localhost/ first, then Docker Hub; listed docker.io/ names resolve', () => {
    const model = podmanWorld()
    expect(model.resolve('parent:1')).toBe(id(1))
    expect(model.resolve('localhost/parent:1')).toBe(id(1))
    expect(model.resolve('team/child:1')).toBe(id(3))
    expect(model.resolve('docker.io/team/child:1')).toBe(id(3))
    expect(model.resolve('docker.io/library/parent:1')).toBeNull()
  })

  it('by a name while others remain: only that name goes, even with a container', () => {
    const model = podmanWorld()
    expect(model.delete('multi:1', { force: false, prune: false })).toEqual({
      ok: true,
      outcome: { untagged: ['localhost/multi:1'], deleted: [] },
    })
    // The last name of a repository takes its derived digest with it.
    expect(model.delete('localhost/other:1', { force: false, prune: false })).toEqual({
      ok: true,
      outcome: { untagged: ['localhost/other:1', `localhost/other@${digest}`], deleted: [] },
    })
  })

  it('by a digest while other names remain: "tag not known" (digests are not names)', () => {
    expect(
      podmanWorld().delete(`localhost/multi@${digest}`, { force: true, prune: false }),
    ).toMatchObject({ ok: false, conflict: { message: expect.stringMatching(/tag not known/) } })
  })

  it('by ID with several names: must be forced; forced, the containers go with it', () => {
    const model = podmanWorld()
    expect(model.delete(id(4), { force: false, prune: false })).toMatchObject({
      ok: false,
      conflict: {
        kind: 'multiple-references',
        hard: false,
        message: expect.stringMatching(/by ID with more than one tag/),
      },
    })
    expect(model.delete(id(4), { force: true, prune: false })).toMatchObject({
      ok: true,
      outcome: { deleted: [id(4)], removedContainers: ['c-multi'] },
    })
  })

  it('the last name of an image a container uses is a conflict; forced, Podman removes the container, running or not', () => {
    const model = podmanWorld()
    expect(model.delete('used:1', { force: false, prune: false })).toMatchObject({
      ok: false,
      conflict: { kind: 'reference-in-use', containerId: 'c-stopped' },
    })
    expect(model.delete(id(6), { force: false, prune: false })).toMatchObject({
      ok: false,
      conflict: { kind: 'running-container', hard: false },
    })
    // Docker would only untag here (a running container's image cannot be deleted).
    expect(model.delete('run:1', { force: true, prune: false })).toEqual({
      ok: true,
      outcome: {
        untagged: ['localhost/run:1'],
        deleted: [id(6)],
        removedContainers: ['c-running'],
      },
    })
    expect(model.containersUsing(id(6))).toEqual([])
  })

  it('a parent with a child is deleted, by tag or by ID (its layers stay with the child)', () => {
    expect(podmanWorld().delete('parent:1', { force: false, prune: false })).toMatchObject({
      ok: true,
      outcome: { deleted: [id(1)] },
    })
    expect(podmanWorld().delete(id(2), { force: false, prune: false })).toMatchObject({
      ok: true,
      outcome: { deleted: [id(2)] },
    })
  })

  it('deleting a child removes its untagged parents whatever noprune says, up to a tagged one', () => {
    const model = podmanWorld()
    expect(model.delete('team/child:1', { force: false, prune: false })).toEqual({
      ok: true,
      outcome: {
        untagged: ['docker.io/team/child:1'],
        deleted: [id(3), id(2)],
        removedContainers: [],
      },
    })
    expect(model.has(id(1))).toBe(true)
    expect(model.podmanWalk(id(1))).toEqual([])
  })
})

const MB = 1_000_000

/** A Podman world as the inventory reads it. */
const world = inventory(
  {
    parent: { tags: ['localhost/chain/parent:1'], layers: [['p', 8 * MB]] },
    step: {
      parent: 'parent',
      layers: [
        ['p', 8 * MB],
        ['step', 2 * MB],
      ],
    },
    child: {
      tags: ['docker.io/chain/child:1'],
      parent: 'step',
      layers: [
        ['p', 8 * MB],
        ['step', 2 * MB],
      ],
    },
    runner: { tags: ['localhost/app/run:1'], layers: [['run', 5 * MB]] },
    stopper: { tags: ['localhost/app/stop:1'], layers: [['stop', 4 * MB]] },
    multi: {
      tags: ['localhost/app/multi:1', 'localhost/app/multi:2'],
      digests: [`localhost/app/multi@${digest}`],
      layers: [['multi', 3 * MB]],
    },
    dangling: { layers: [['dangling', 1 * MB]] },
  },
  [
    { name: 'running', image: 'runner', state: 'running' },
    { name: 'stopped', image: 'stopper', state: 'exited' },
  ],
)

function plan(inv: Inventory, input: SelectionInput) {
  return buildPlan(inv, selection(input), {
    id: 'plan-podman',
    host: 'unix:///podman.sock',
    version: '4.3.1',
    imageStore: 'graphdriver',
    engineKind: 'podman',
    now: NOW,
  })
}

const itemOf = (result: ReturnType<typeof plan>, name: string) =>
  result.items.find((item) => item.id === imageId(name))

describe('plans on Podman', () => {
  it('never sends a forced delete that would stop and remove a container: blocked, --with-containers is the way', () => {
    const forced = plan(world, { images: ['app/run:1', 'app/stop:1'], force: true })
    expect(itemOf(forced, 'runner')).toMatchObject({
      action: 'blocked',
      reason: expect.stringMatching(/podman#25871.*--with-containers/),
      blockers: [{ kind: 'running-container', ref: 'running' }],
      requests: [],
    })
    expect(itemOf(forced, 'stopper')).toMatchObject({
      action: 'blocked',
      blockers: [{ kind: 'stopped-container', ref: 'stopped' }],
    })
    const withContainers = plan(world, { images: ['app/run:1'], withContainers: true })
    expect(itemOf(withContainers, 'runner')).toMatchObject({
      action: 'delete',
      requests: [{ kind: 'delete-image', name: 'localhost/app/run:1', force: false }],
      affectedContainers: [expect.objectContaining({ name: 'running', effect: 'removed' })],
      reclaimBytes: 5 * MB,
    })
    expect(withContainers.items[0]).toMatchObject({
      kind: 'container',
      requests: [{ kind: 'remove-container', stop: true }],
    })
  })

  it('without force, an image a container uses is blocked, as Podman refuses it', () => {
    const result = plan(world, { images: ['app/stop:1'] })
    expect(itemOf(result, 'stopper')).toMatchObject({
      action: 'blocked',
      blockers: [{ kind: 'stopped-container', ref: 'stopped' }],
    })
  })

  it('a parent with a child is deleted (nothing comes free: the child holds its layers)', () => {
    const result = plan(world, { images: ['chain/parent:1'] })
    expect(itemOf(result, 'parent')).toMatchObject({ action: 'delete', reclaimBytes: 0 })
  })

  it('--unused: the untagged step Podman removes with the child is its own item, deleted by ID', () => {
    const result = plan(world, { unused: true })
    expect(itemOf(result, 'child')).toMatchObject({
      action: 'delete',
      requests: [{ kind: 'delete-image', name: 'docker.io/chain/child:1', force: false }],
    })
    expect(itemOf(result, 'step')).toMatchObject({
      action: 'delete',
      requests: [{ kind: 'delete-image', name: imageId('step'), force: false }],
      reclaimBytes: 2 * MB,
    })
    expect(itemOf(result, 'parent')).toMatchObject({ action: 'delete', reclaimBytes: 8 * MB })
    // One name at a time; the derived digest goes with the last name of its repository.
    expect(
      itemOf(result, 'multi')?.requests.map((r) => r.kind === 'delete-image' && r.name),
    ).toEqual(['localhost/app/multi:1', 'localhost/app/multi:2'])
    expect(result.reclaimBytes).toBe(14 * MB)
  })

  it('a child whose deletion would take a kept untagged parent with it is blocked', () => {
    const kept = inventory({
      step: { layers: [['step', 2 * MB]], labels: { keep: 'yes' } },
      child: {
        tags: ['localhost/c:1'],
        parent: 'step',
        layers: [
          ['step', 2 * MB],
          ['c', MB],
        ],
      },
    })
    const result = plan(kept, { unused: true, protectLabels: ['keep'] })
    expect(itemOf(result, 'child')).toMatchObject({
      action: 'blocked',
      reason: expect.stringMatching(/also remove its untagged parent/),
      blockers: [{ kind: 'protected' }],
    })
    expect(plan(kept, { images: ['c:1'], protectLabels: ['keep'] }).items).toEqual([
      expect.objectContaining({ id: imageId('child'), action: 'blocked' }),
    ])
  })
})

describe('localhost/ names in protection', () => {
  it('is what the short name means, as docker.io/library/ is', () => {
    expect(shortName('localhost/app:1')).toBe('app:1')
    expect(shortName('localhost:5000/app:1')).toBe('localhost:5000/app:1')
    const rules = protectionRules({ protect: ['app:*', 'localhost/db'], protectLabels: [] })
    const image = (tags: string[]) => ({ id: id(9), tags, digests: [], labels: {} })
    expect(rules.protects(image(['localhost/app:1']))).toMatchObject({ kind: 'protected' })
    expect(rules.protects(image(['localhost/db:5']))).toMatchObject({ kind: 'protected' })
    expect(rules.protects(image(['db:5']))).toMatchObject({ kind: 'protected' })
    expect(rules.protects(image(['localhost/team/app:1']))).toBeNull()
  })
})

describe('telling Podman from Docker, and its usage', () => {
  it('reads the engine kind from /version', () => {
    expect(engineKindOf({ Components: [{ Name: 'Podman Engine' }, { Name: 'Conmon' }] })).toBe(
      'podman',
    )
    expect(
      engineKindOf({
        Platform: { Name: 'Docker Engine - Community' },
        Components: [{ Name: 'Engine' }],
      }),
    ).toBe('docker')
    expect(engineKindOf({})).toBe('docker')
  })

  it("reads who answers from /info and its answer's headers, as /version would say it", () => {
    // Captured from Docker 20.10 and Podman 4.3's services on the build machine.
    const docker = { ServerVersion: '20.10.24+dfsg1', Architecture: 'x86_64', KernelVersion: '6.1' }
    expect(
      identityFromInfo(docker, { server: 'Docker/20.10.24+dfsg1 (linux)', 'api-version': '1.41' }),
    ).toEqual({
      kind: 'docker',
      version: '20.10.24+dfsg1',
      apiVersion: '1.41',
      arch: 'amd64',
      kernelVersion: '6.1',
    })
    const podman = { ServerVersion: '4.3.1', Architecture: 'amd64', BuildahVersion: '1.28.2' }
    const signed = {
      server: 'Libpod/4.3.1 (linux)',
      'api-version': '1.41',
      'libpod-api-version': '4.3.1',
    }
    expect(identityFromInfo(podman, signed)).toMatchObject({ kind: 'podman', arch: 'amd64' })
    // Either mark is enough: a proxy may drop the headers, an old Podman the body's field.
    expect(identityFromInfo(podman, {}).kind).toBe('podman')
    expect(identityFromInfo({ ServerVersion: '4.3.1' }, signed).kind).toBe('podman')
    expect(identityFromInfo({ Architecture: 'aarch64' }, {})).toEqual({
      kind: 'docker',
      version: 'unknown',
      apiVersion: 'unknown',
      arch: 'arm64',
      kernelVersion: 'unknown',
    })
    expect(identityFromInfo({}, { server: 'Docker/27.3.1 (linux)' }).version).toBe('27.3.1')
  })

  it('counts each layer once and each image once, intermediate build steps left out', () => {
    expect(imageUsageFromLayers(world.images)).toEqual({
      imagesBytes: (8 + 2 + 5 + 4 + 3 + 1) * MB,
      imageCount: 6,
    })
  })
})

describe("reading Podman's delete answers", () => {
  const hexOf = (name: string) => imageId(name).slice('sha256:'.length)
  const MB_ = 1_000_000
  const item = (name: string, over: Partial<PlanItem> = {}): PlanItem => ({
    kind: 'image',
    id: imageId(name),
    name,
    tags: [`localhost/${name}:1`],
    digests: [],
    action: 'delete',
    untag: [`localhost/${name}:1`],
    reason: 'unused',
    blockers: [],
    affectedContainers: [],
    reclaimBytes: 3 * MB_,
    heldBy: [],
    project: null,
    requests: [{ kind: 'delete-image', name: `localhost/${name}:1`, force: false }],
    after: [],
    ...over,
  })

  /** An engine holding some images, answering each delete with the lines given. */
  function engine(present: string[], answers: Record<string, object[]>) {
    const images = new Set(present.map(imageId))
    const docker = {
      // POST /build/prune: every record asked for goes.
      modem: {
        dial: (
          options: { options: { filters: { id: string[] } } },
          done: (error: unknown, data: unknown) => void,
        ) =>
          done(null, {
            // The filter is one anchored alternation of the records asked for: ^(?:a|b)$.
            CachesDeleted: options.options.filters.id[0]!.slice(4, -2).split('|'),
          }),
      },
      getImage: (name: string) => ({
        inspect: async () => {
          const id = [...images].find((i) => i === name || name.includes(i.slice(7, 19)))
          const tagged = present.find((p) => name === `localhost/${p}:1`)
          const found = id ?? (tagged && images.has(imageId(tagged)) ? imageId(tagged) : undefined)
          if (!found) throw Object.assign(new Error('no such image'), { statusCode: 404 })
          const short = present.find((p) => imageId(p) === found)!
          return { Id: found, RepoTags: [`localhost/${short}:1`], RepoDigests: [], Config: {} }
        },
        remove: async () => {
          const lines = answers[name] ?? []
          for (const line of lines as { Deleted?: string }[])
            if (line.Deleted) images.delete(`sha256:${line.Deleted}`)
          if (lines.length === 0) images.clear()
          return lines
        },
      }),
    }
    const context = (kind: 'docker' | 'podman'): RunContext => ({
      docker: docker as unknown as RunContext['docker'],
      watch: {
        current: async () => ({
          refs: new Map(),
          images: new Set(images),
          children: new Map(),
          containers: new Map(),
          containerStates: new Map(),
        }),
        invalidate: () => undefined,
        // No event stream here: every re-check inspects, as on an engine without events.
        trusted: () => null,
      } as unknown as EngineWatch,
      layerSizes: new Map([['sha256:layer', 5 * MB_]]),
      predictedBytes: (planned) => planned.reclaimBytes,
      protection: protectionRules({ protect: [], protectLabels: [] }),
      protectsName: () => null,
      goingImages: new Set(present.map(imageId)),
      plannedImages: new Set(present.map(imageId)),
      plannedContainers: new Set(),
      engineKind: kind,
      removedByEngine: new Set(),
      records: new RecordPruner(docker as unknown as RunContext['docker']),
    })
    return { context }
  }

  it('a bare image ID is the image: deleted, with the bytes the plan counted (no layer lines)', async () => {
    const { context } = engine(['app'], {
      'localhost/app:1': [{ Deleted: hexOf('app') }, { Untagged: 'localhost/app:1' }],
    })
    await expect(runItem(item('app'), context('podman'), () => undefined)).resolves.toMatchObject({
      outcome: 'deleted',
      reclaimedBytes: 3 * MB_,
    })
  })

  it('a parent removed with its child is recorded deleted when its own item comes', async () => {
    const { context } = engine(['child', 'step'], {
      'localhost/child:1': [
        { Deleted: hexOf('child') },
        { Deleted: hexOf('step') },
        { Untagged: 'localhost/child:1' },
      ],
    })
    const ctx = context('podman')
    await runItem(item('child', { reclaimBytes: 0 }), ctx, () => undefined)
    const step = item('step', {
      tags: [],
      untag: [],
      reclaimBytes: 2 * MB_,
      requests: [{ kind: 'delete-image', name: imageId('step'), force: false }],
    })
    await expect(runItem(step, ctx, () => undefined)).resolves.toMatchObject({
      outcome: 'deleted',
      reclaimedBytes: 2 * MB_,
    })
  })

  it('an image with a child stays unnamed in the answer: the engine is asked whether it is gone', async () => {
    const { context } = engine(['parent'], { 'localhost/parent:1': [] })
    await expect(
      runItem(item('parent', { reclaimBytes: 1234 }), context('podman'), () => undefined),
    ).resolves.toMatchObject({ outcome: 'deleted', reclaimedBytes: 1234 })
  })

  it('Docker’s answers still count the layers they list', async () => {
    const { context } = engine(['app'], {
      'localhost/app:1': [
        { Untagged: 'localhost/app:1' },
        { Deleted: hexOf('app') },
        { Deleted: 'sha256:layer' },
      ],
    })
    await expect(runItem(item('app'), context('docker'), () => undefined)).resolves.toMatchObject({
      outcome: 'deleted',
      reclaimedBytes: 5 * MB_,
    })
  })

  /** An engine whose delete of app frees its 5 MB layer, and a record item with its plan bytes. */
  function layerFreeingEngine(recordLayers: [string, string[]][]) {
    const { context } = engine(['app'], {
      'localhost/app:1': [
        { Untagged: 'localhost/app:1' },
        { Deleted: hexOf('app') },
        { Deleted: 'sha256:layer' },
      ],
    })
    const ctx = {
      ...context('docker'),
      recordLayers: new Map(recordLayers),
      freedLayers: new Set<string>(),
    }
    const record = (id: string, reclaimBytes: number) =>
      item(id, {
        kind: 'build-cache',
        id,
        tags: [],
        untag: [],
        reclaimBytes,
        requests: [{ kind: 'remove-build-cache', id }],
      })
    return { ctx, record }
  }

  it('layers an image freed that the plan credited to build cache records are not counted twice', async () => {
    // The plan thought a record held the image's 5 MB layer: 0 for the image, 7 MB for the record
    // (that layer and 2 MB of its own data).
    const { ctx, record } = layerFreeingEngine([['rec', ['sha256:layer']]])
    await expect(
      runItem(item('app', { reclaimBytes: 0 }), ctx, () => undefined),
    ).resolves.toMatchObject({
      outcome: 'deleted',
      reclaimedBytes: 5 * MB_,
    })
    await expect(runItem(record('rec', 7 * MB_), ctx, () => undefined)).resolves.toMatchObject({
      outcome: 'deleted',
      reclaimedBytes: 2 * MB_,
    })
  })

  it("only a record's own layers lower its credit: another record's, refused or not, do not", async () => {
    // The 5 MB layer was credited to `held` (which the engine may then refuse); `own` frees 3 MB
    // of its own data. Before, the image's 5 MB came off whichever record ran next.
    const { ctx, record } = layerFreeingEngine([
      ['held', ['sha256:layer']],
      ['own', []],
    ])
    await runItem(item('app', { reclaimBytes: 0 }), ctx, () => undefined)
    await expect(runItem(record('own', 3 * MB_), ctx, () => undefined)).resolves.toMatchObject({
      outcome: 'deleted',
      reclaimedBytes: 3 * MB_,
    })
    expect([...ctx.freedLayers]).toEqual(['sha256:layer'])
  })

  it('an image whose container (removed first in this run) stayed is skipped, not sent to fail', async () => {
    const { context } = engine(['app'], {})
    const ctx = { ...context('docker'), containersKept: new Set(['c'.repeat(64)]) }
    const freed = item('app', {
      affectedContainers: [
        { id: 'c'.repeat(64), name: 'ran-once', state: 'exited', effect: 'removed' },
      ],
      after: ['c'.repeat(64)],
    })
    await expect(runItem(freed, ctx, () => undefined)).resolves.toMatchObject({
      outcome: 'skipped',
      error: 'its container ran-once was not removed, so the engine would refuse',
    })
  })
})

describe('engine identity', () => {
  it("Docker's ID is its own; Podman's (a new UUID on every /info) is named by host and storage", () => {
    expect(engineIdOf({ ID: 'ABCD:EFGH', Name: 'box' }, 'docker')).toBe('ABCD:EFGH')
    const first = engineIdOf({ ID: 'b9eb6543', Name: 'vm', DockerRootDir: '/srv/a' }, 'podman')
    const again = engineIdOf({ ID: 'e604344c', Name: 'vm', DockerRootDir: '/srv/a' }, 'podman')
    expect(first).toBe(again)
    expect(first).toMatch(/^podman-[0-9a-f]{32}$/)
    expect(engineIdOf({ Name: 'vm', DockerRootDir: '/srv/b' }, 'podman')).not.toBe(first)
  })
})
