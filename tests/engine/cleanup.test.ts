/**
 * The planner against the real engine. For each selection: build a fresh fixture world, plan,
 * clean, and check that (1) the engine's images, tags and containers afterwards are exactly what
 * the plan predicted and (2) the predicted bytes match the shrink of layer storage within 2%.
 */
import { join } from 'node:path'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/program'
import { recordingIo } from '../support/cli-io'
import { createInProcessClient } from '../../src/core/in-process-client'
import { DrydockService } from '../../src/core/service'
import type { Plan, SelectionInput } from '../../src/shared/cleanup'
import { runPlanToEnd } from '../../src/shared/run-plan'
import { comparable, engineState, layerStorageBytes, predictedState } from '../support/engine-state'
import { busyboxLayer, loadImages, type LayerSpec } from '../support/image-archive'
import { buildChild } from '../support/legacy-build'
import {
  cleanupAllTestObjects,
  createTestContainer,
  createTestRun,
  requireTestEngine,
  testRef,
  type TestRun,
} from '../support/test-engine'
import { suiteTempDir } from '../support/temp-dir'

const engine = await requireTestEngine()
const MB = 1_000_000
const layer = (name: string, megabytes: number): LayerSpec => ({
  files: { [`/data/${name}`]: { size: megabytes * MB, seed: name.length } },
})
const DAY = 86_400_000

interface World {
  run: TestRun
  ids: Record<
    | 'appA'
    | 'appB'
    | 'multi'
    | 'labelled'
    | 'old'
    | 'newer'
    | 'newest'
    | 'parent'
    | 'runner'
    | 'stopper'
    | 'dangling'
    | 'child',
    string
  >
  runnerId: string
  sleeperId: string
}

/** Every situation the engine distinguishes, with layers big enough that metadata is noise. */
async function buildWorld(): Promise<World> {
  const run = createTestRun('cleanup')
  const now = Date.now()
  const base = layer('base', 4)
  const [appA, appB, multi, labelled, old, newer, newest, parent, runner, stopper] =
    await loadImages(
      engine.docker,
      [
        {
          tags: [testRef('app-a', '1')],
          created: new Date(now - 30 * DAY),
          layers: [base, layer('a', 3)],
        },
        {
          tags: [testRef('app-b', '1')],
          created: new Date(now - 30 * DAY),
          layers: [base, layer('bb', 2)],
        },
        {
          tags: [testRef('multi', '1'), testRef('multi', '2'), testRef('multi-other', '1')],
          created: new Date(now - 40 * DAY),
          layers: [layer('multi', 3)],
        },
        {
          tags: [testRef('keep', '1')],
          created: '2019-03-01T00:00:00Z',
          labels: { keep: 'true' },
          layers: [layer('keep', 2)],
        },
        {
          tags: [testRef('old', '1')],
          created: '2018-06-01T00:00:00Z',
          layers: [layer('oldie', 3)],
        },
        {
          tags: [testRef('series', '1')],
          created: new Date(now - 2 * DAY),
          layers: [layer('s1', 2)],
        },
        { tags: [testRef('series', '2')], created: new Date(now - DAY), layers: [layer('s2', 2)] },
        {
          tags: [testRef('parent', '1')],
          created: new Date(now - 10 * DAY),
          layers: [busyboxLayer(), layer('parent', 2)],
        },
        {
          tags: [testRef('runner', '1')],
          created: new Date(now - 5 * DAY),
          layers: [busyboxLayer(), layer('run', 2)],
        },
        {
          tags: [testRef('stopper', '1')],
          created: new Date(now - 5 * DAY),
          layers: [busyboxLayer(), layer('stop', 2)],
        },
      ],
      run,
    )
  const [dangling] = await loadImages(
    engine.docker,
    [{ tags: [], created: new Date(now - 3 * DAY), layers: [layer('dangling', 3)] }],
    run,
  )
  const child = await buildChild(engine.docker, {
    from: testRef('parent', '1'),
    tag: testRef('child', '1'),
    files: { '/child.bin': { size: 2 * MB, seed: 7 } },
    labels: { stage: 'child' },
    run,
  })
  const runnerContainer = await createTestContainer(engine.docker, run, {
    image: testRef('runner', '1'),
    start: true,
  })
  const sleeperContainer = await createTestContainer(engine.docker, run, {
    image: testRef('stopper', '1'),
  })
  const ids = {
    appA: appA!.id,
    appB: appB!.id,
    multi: multi!.id,
    labelled: labelled!.id,
    old: old!.id,
    newer: newer!.id,
    newest: newest!.id,
    parent: parent!.id,
    runner: runner!.id,
    stopper: stopper!.id,
    dangling: dangling!.id,
    child,
  }
  return { run, ids, runnerId: runnerContainer.id, sleeperId: sleeperContainer.id }
}

describe.skipIf(engine.skip)('cleanup matches the engine', () => {
  const db = join(suiteTempDir('drydock-cleanup-'), 'log.sqlite')
  const service = new DrydockService({
    host: engine.host,
    transport: 'in-process',
    version: 'test',
    env: {},
    databasePath: db,
  })
  const client = createInProcessClient(service)
  let world: World
  let dataRoot: string

  beforeEach(async () => {
    await cleanupAllTestObjects(engine.docker)
    world = await buildWorld()
    dataRoot = ((await engine.docker.info()) as { DockerRootDir: string }).DockerRootDir
  })

  /** Predicted and measured bytes per selection, printed for the closing figures. */
  const figures: string[] = []

  afterAll(async () => {
    service.close()
    await cleanupAllTestObjects(engine.docker)
    console.info(`predicted vs measured layer-storage shrink:\n${figures.join('\n')}`)
  })

  /** Plans, cleans, and checks prediction against reality; returns the plan for extra checks. */
  async function planAndClean(selection: SelectionInput): Promise<Plan> {
    const before = await engineState(engine.docker)
    const bytesBefore = await layerStorageBytes(dataRoot)
    const plan = await client.planCleanup(selection)
    const result = await runPlanToEnd(client, { planId: plan.id, trigger: 'cli' })
    const after = await engineState(engine.docker)
    const bytesAfter = await layerStorageBytes(dataRoot)

    expect(result.items.filter((item) => item.outcome === 'failed')).toEqual([])
    expect(comparable(after)).toEqual(comparable(predictedState(before, plan)))
    const measured = bytesBefore - bytesAfter
    figures.push(
      `  ${expect.getState().currentTestName}: predicted ${plan.reclaimBytes}, measured ${measured}`,
    )
    // Within 2% of the prediction; a few kB of metadata when nothing is predicted.
    expect(Math.abs(measured - plan.reclaimBytes)).toBeLessThanOrEqual(
      Math.max(plan.reclaimBytes * 0.02, 64_000),
    )
    return plan
  }

  const action = (plan: Plan, id: string) =>
    plan.items.find((item) => item.id === id)?.action ?? 'untouched'

  it('--dangling', async () => {
    const plan = await planAndClean({ dangling: true })
    expect(action(plan, world.ids.dangling)).toBe('delete')
    expect(plan.items.filter((item) => item.action === 'delete')).toHaveLength(1)
  })

  it('--unused', async () => {
    const plan = await planAndClean({ unused: true })
    for (const name of [
      'appA',
      'appB',
      'multi',
      'labelled',
      'old',
      'newer',
      'newest',
      'dangling',
      'child',
      'parent',
    ] as const) {
      expect(action(plan, world.ids[name]), name).toBe('delete')
    }
    expect(action(plan, world.ids.runner)).toBe('blocked')
    expect(action(plan, world.ids.stopper)).toBe('blocked')
  })

  it('--unused --older-than 365d --protect-label keep=true', async () => {
    const plan = await planAndClean({
      unused: true,
      olderThan: '365d',
      protectLabels: ['keep=true'],
    })
    expect(action(plan, world.ids.old)).toBe('delete')
    expect(action(plan, world.ids.labelled)).toBe('keep')
    expect(action(plan, world.ids.appA)).toBe('keep')
  })

  it('--keep-last 1', async () => {
    const plan = await planAndClean({ keepLast: 1 })
    expect(action(plan, world.ids.newer)).toBe('delete')
    expect(action(plan, world.ids.newest)).toBe('untouched')
    expect(plan.items.find((item) => item.id === world.ids.multi)).toMatchObject({
      action: 'untag',
      untag: [testRef('multi', '1')],
    })
  })

  it('--image on each kind of image, without force', async () => {
    const plan = await planAndClean({
      images: [
        testRef('app-a', '1'), // only tag, unused: deleted
        testRef('multi', '1'), // other tags remain: untagged
        world.ids.dangling, // untagged, by ID: deleted
        testRef('parent', '1'), // has a child: untagged only
        testRef('runner', '1'), // running container: must force
        testRef('stopper', '1'), // stopped container: must force
        world.ids.appB, // by ID, one tag: deleted
      ],
    })
    expect(action(plan, world.ids.appA)).toBe('delete')
    expect(action(plan, world.ids.multi)).toBe('untag')
    expect(action(plan, world.ids.dangling)).toBe('delete')
    expect(action(plan, world.ids.parent)).toBe('untag')
    expect(action(plan, world.ids.runner)).toBe('blocked')
    expect(action(plan, world.ids.stopper)).toBe('blocked')
    expect(action(plan, world.ids.appB)).toBe('delete')
  })

  it('--image by ID where the engine needs force, without it: all blocked, nothing changes', async () => {
    const plan = await planAndClean({
      images: [world.ids.multi, world.ids.parent, world.ids.runner, world.ids.stopper],
    })
    expect(plan.items.map((item) => item.action)).toEqual([
      'blocked',
      'blocked',
      'blocked',
      'blocked',
    ])
    expect(plan.reclaimBytes).toBe(0)
  })

  it('--image … --force', async () => {
    const plan = await planAndClean({
      images: [
        world.ids.multi,
        testRef('stopper', '1'),
        testRef('runner', '1'),
        world.ids.parent,
        testRef('child', '1'),
      ],
      force: true,
    })
    expect(action(plan, world.ids.multi)).toBe('delete')
    // Forced past a stopped container: the image goes but its layers stay pinned.
    expect(plan.items.find((item) => item.id === world.ids.stopper)).toMatchObject({
      action: 'delete',
      reclaimBytes: 0,
    })
    // A running container's image only loses its tag.
    expect(action(plan, world.ids.runner)).toBe('untag')
    // Deleting the child walks up through the untagged build step to the tagged parent.
    expect(action(plan, world.ids.child)).toBe('delete')
  })

  it('--with-containers on the running container’s image', async () => {
    const plan = await planAndClean({ images: [testRef('runner', '1')], withContainers: true })
    const item = plan.items.find((i) => i.id === world.ids.runner)!
    expect(item.action).toBe('delete')
    expect(item.affectedContainers).toEqual([
      expect.objectContaining({ id: world.runnerId, effect: 'removed' }),
    ])
    expect((await engineState(engine.docker)).containers.has(world.sleeperId)).toBe(true)
  })

  it('skips an item when a container was created from it after the plan, and breaks nothing', async () => {
    const plan = await client.planCleanup({ images: [testRef('app-a', '1')] })
    expect(action(plan, world.ids.appA)).toBe('delete')
    const late = await createTestContainer(engine.docker, world.run, {
      image: testRef('app-a', '1'),
    })
    const result = await runPlanToEnd(client, { planId: plan.id, trigger: 'cli' })
    expect(result.items).toEqual([
      expect.objectContaining({
        id: world.ids.appA,
        outcome: 'skipped',
        error: expect.stringMatching(/created from this image after the plan/),
      }),
    ])
    const after = await engineState(engine.docker)
    expect(after.images.get(world.ids.appA)).toEqual([testRef('app-a', '1')])
    expect(after.containers.has(late.id)).toBe(true)
  })

  it('cancels between items: finished items stay done and journaled, the rest untouched', async () => {
    const plan = await client.planCleanup({ unused: true })
    const result = await runPlanToEnd(
      client,
      { planId: plan.id, trigger: 'cli' },
      { onProgress: (progress) => void client.cancelCleanup({ runId: progress.runId }) },
    )
    const planned = plan.items.filter((item) => item.requests.length > 0)
    expect(result.status).toBe('cancelled')
    expect(result.items.length).toBeGreaterThan(0)
    expect(result.items.length).toBeLessThan(planned.length)
    const after = await engineState(engine.docker)
    for (const item of planned) {
      const outcome = result.items.find((done) => done.id === item.id)?.outcome
      expect(after.images.has(item.id), item.tags.join()).toBe(outcome !== 'deleted')
    }
    const run = await client.getRun({ id: result.runId })
    expect(run?.status).toBe('cancelled')
    expect(run?.items.filter((item) => item.outcome !== null)).toHaveLength(result.items.length)
  })

  it('refuses bad input with exit 2 or 3 and a clear message, deleting nothing', async () => {
    const before = comparable(await engineState(engine.docker))
    const cases: [string[], number, RegExp][] = [
      [['plan', '--unused', '--older-than', '30x'], 2, /expected a duration/],
      [
        ['clean', '--yes', '--unused', '--older-than', '-1d'],
        2,
        /expected a duration|unknown option/,
      ],
      [['clean', '--yes', '--unused', '--protect-label', '=oops'], 2, /KEY or KEY=VALUE/],
      [
        ['clean', '--yes', '--image', 'drydock-test/no-such:1'],
        2,
        /No such image: drydock-test\/no-such:1/,
      ],
      [['clean', '--yes', '--keep-last', '0'], 2, /whole number/],
      [['clean', '--yes', '--force', '--unused'], 2, /applies to --image/],
      [['clean', '--yes', '--older-than', '30d'], 2, /choose what to clean/],
      [['clean', '--unused'], 2, /pass --yes/],
      [['--host', 'tcp//nope', 'clean', '--yes', '--unused'], 2, /not a usable Docker host/],
      [
        ['--host', 'unix:///nonexistent/engine.sock', 'clean', '--yes', '--unused'],
        3,
        /Cannot reach the Docker engine at unix:\/\/\/nonexistent\/engine.sock/,
      ],
    ]
    for (const [argv, code, message] of cases) {
      const io = recordingIo({ DRYDOCK_DB: db })
      const args = argv[0] === '--host' ? argv : ['--host', engine.host, ...argv]
      expect(await runCli(args, io), argv.join(' ')).toBe(code)
      expect(io.err(), argv.join(' ')).toMatch(message)
    }
    expect(comparable(await engineState(engine.docker))).toEqual(before)
  })
})
