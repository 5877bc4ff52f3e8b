/**
 * Drydock against a real `podman system service` (a private one: scripts/podman-engine.sh). For
 * each core selection: build a fresh world, plan, clean, and check that (1) the images, tags and
 * containers afterwards are exactly what the plan predicted, (2) the predicted bytes, and the
 * bytes the log records, match the shrink of Podman's storage within 2% (or 100 kB), (3) the log
 * records each item as the engine really did it (`deleted`, or `untagged` where only names go),
 * and (4) `drydock status` and `history` agree. docs/engine-rules.md §9 lists the rules proven.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/program'
import { createInProcessClient } from '../../src/core/in-process-client'
import { DrydockService } from '../../src/core/service'
import type { CleanResult, Plan, SelectionInput } from '../../src/shared/cleanup'
import { runPlanToEnd } from '../../src/shared/run-plan'
import { recordingIo } from '../support/cli-io'
import { dataRootBytes } from '../support/private-engine'
import { comparable, engineState, predictedState } from '../support/engine-state'
import { busyboxLayer, loadImages, type LayerSpec } from '../support/image-archive'
import { buildChild } from '../support/legacy-build'
import {
  emptyPodman,
  requirePodman,
  startPodmanEngine,
  type PodmanEngine,
} from '../support/podman-engine'

const podman = await requirePodman()
const MB = 1_000_000
const DAY = 86_400_000
const layer = (name: string, megabytes: number): LayerSpec => ({
  files: { [`/data/${name}`]: { size: megabytes * MB, seed: name.length } },
})
/** Podman names a loaded `x:1` as `localhost/x:1`. */
const local = (repository: string, tag: string) => `localhost/drydock-test/${repository}:${tag}`
/** Podman refuses container rlimits above the sandbox's hard limits; these fit anywhere. */
const ULIMITS = [
  { Name: 'nofile', Soft: 1024, Hard: 1024 },
  { Name: 'nproc', Soft: 1024, Hard: 1024 },
]

type Name =
  | 'appA'
  | 'appB'
  | 'multi'
  | 'labelled'
  | 'old'
  | 'newer'
  | 'newest'
  | 'parent'
  | 'step'
  | 'child'
  | 'runner'
  | 'stopper'
  | 'dangling'

interface World {
  ids: Record<Name, string>
  runnerId: string
  stopperId: string
  /** False where the sandbox cannot start a container: the runner is then only created. */
  running: boolean
}

async function buildWorld(engine: PodmanEngine): Promise<World> {
  const { docker } = engine
  const now = Date.now()
  const base = layer('base', 4)
  const loaded = await loadImages(docker, [
    {
      tags: ['drydock-test/app-a:1'],
      created: new Date(now - 30 * DAY),
      layers: [base, layer('a', 3)],
    },
    {
      tags: ['drydock-test/app-b:1'],
      created: new Date(now - 30 * DAY),
      layers: [base, layer('bb', 2)],
    },
    {
      tags: ['drydock-test/multi:1', 'drydock-test/multi:2', 'drydock-test/multi-other:1'],
      created: new Date(now - 40 * DAY),
      layers: [layer('multi', 3)],
    },
    {
      tags: ['drydock-test/keep:1'],
      created: '2019-03-01T00:00:00Z',
      labels: { keep: 'true' },
      layers: [layer('keep', 2)],
    },
    { tags: ['drydock-test/old:1'], created: '2018-06-01T00:00:00Z', layers: [layer('oldie', 3)] },
    {
      tags: ['drydock-test/series:1'],
      created: new Date(now - 2 * DAY),
      layers: [layer('s1', 2)],
    },
    { tags: ['drydock-test/series:2'], created: new Date(now - DAY), layers: [layer('s2', 2)] },
    {
      tags: ['drydock-test/parent:1'],
      created: new Date(now - 10 * DAY),
      layers: [busyboxLayer(), layer('parent', 2)],
    },
    {
      tags: ['drydock-test/runner:1'],
      created: new Date(now - 5 * DAY),
      layers: [busyboxLayer(), layer('run', 2)],
    },
    {
      tags: ['drydock-test/stopper:1'],
      created: new Date(now - 5 * DAY),
      layers: [busyboxLayer(), layer('stop', 2)],
    },
    { tags: [], created: new Date(now - 3 * DAY), layers: [layer('dangling', 3)] },
  ])
  const [appA, appB, multi, labelled, old, newer, newest, parent, runner, stopper, dangling] =
    loaded.map((image) => image.id)
  // Podman's build (buildah): COPY makes an untagged step whose child is the LABEL step. Its
  // parents come from the layer tree and history, as `podman images` shows them.
  const child = await buildChild(docker, {
    from: 'drydock-test/parent:1',
    tag: 'drydock-test/child:1',
    files: { '/child.bin': { size: 2 * MB, seed: 7 } },
    labels: { stage: 'child' },
  })
  const { Parent: stepHex } = (await docker.getImage(child).inspect()) as { Parent: string }
  const step = `sha256:${stepHex.replace(/^sha256:/, '')}`

  const create = (image: string) =>
    docker.createContainer({
      Image: image,
      Cmd: ['sleep', '3600'],
      StopTimeout: 1,
      HostConfig: { NetworkMode: 'none', Ulimits: ULIMITS },
    })
  const runnerContainer = await create('drydock-test/runner:1')
  let running = true
  try {
    await runnerContainer.start()
  } catch (error) {
    running = false
    console.warn(`this sandbox cannot start a Podman container: ${(error as Error).message}`)
  }
  const stopperContainer = await create('drydock-test/stopper:1')
  return {
    ids: {
      appA: appA!,
      appB: appB!,
      multi: multi!,
      labelled: labelled!,
      old: old!,
      newer: newer!,
      newest: newest!,
      parent: parent!,
      step,
      child,
      runner: runner!,
      stopper: stopper!,
      dangling: dangling!,
    },
    runnerId: runnerContainer.id,
    stopperId: stopperContainer.id,
    running,
  }
}

describe.skipIf(podman.skip)('Drydock against podman system service', () => {
  const logDir = mkdtempSync(join(tmpdir(), 'drydock-podman-'))
  const db = join(logDir, 'log.sqlite')
  let engine: PodmanEngine
  let service: DrydockService
  let client: ReturnType<typeof createInProcessClient>
  let world: World
  /** Predicted, recorded and measured bytes per selection, printed at the end. */
  const figures: string[] = []

  beforeAll(async () => {
    engine = await startPodmanEngine('test')
    service = new DrydockService({
      host: engine.host,
      transport: 'in-process',
      version: 'test',
      env: {},
      databasePath: db,
    })
    client = createInProcessClient(service)
  })

  afterAll(async () => {
    service?.close()
    await engine?.stop()
    rmSync(logDir, { recursive: true, force: true })
    console.info(`Podman: predicted / recorded / measured storage shrink:\n${figures.join('\n')}`)
  })

  beforeEach(async () => {
    await emptyPodman(engine.docker)
    world = await buildWorld(engine)
  })

  const cli = async (...argv: string[]) => {
    const io = recordingIo({ DRYDOCK_DB: db })
    const code = await runCli(['--host', engine.host, '--json', ...argv], io)
    return { code, out: io.out(), err: io.err() }
  }

  /** What a run must show: every item as the engine did it, the bytes as the storage shrank. */
  async function expectExact(plan: Plan, result: CleanResult, measured: number): Promise<void> {
    const planned = plan.items.filter((item) => item.requests.length > 0)
    expect(result.status).toBe('done')
    expect(
      result.items.map((item) => [item.tags.join() || item.id.slice(7, 19), item.outcome]),
    ).toEqual(
      planned.map((item) => [
        item.tags.join() || item.id.slice(7, 19),
        item.action === 'delete' ? 'deleted' : 'untagged',
      ]),
    )
    const outcomes = new Map<string, number>()
    for (const done of result.items)
      outcomes.set(done.outcome, (outcomes.get(done.outcome) ?? 0) + 1)
    figures.push(
      `  ${expect.getState().currentTestName}: ${plan.reclaimBytes} / ${result.reclaimedBytes} / ${measured} (${[...outcomes].map(([o, n]) => `${n} ${o}`).join(', ') || 'nothing run'})`,
    )
    // Within 2%, or 100 kB of metadata (Podman keeps a few kB per image besides its layers).
    const tolerance = Math.max(plan.reclaimBytes * 0.02, 100_000)
    expect(Math.abs(measured - plan.reclaimBytes)).toBeLessThanOrEqual(tolerance)
    expect(Math.abs(measured - result.reclaimedBytes)).toBeLessThanOrEqual(tolerance)
    // The log says the same as the run.
    const history = await cli('history', '--run', result.runId)
    expect(history.code, history.err).toBe(0)
    const run = JSON.parse(history.out) as {
      status: string
      reclaimedBytes: number
      items: { id: string; outcome: string; reclaimedBytes: number }[]
    }
    expect(run.status).toBe('done')
    expect(run.reclaimedBytes).toBe(result.reclaimedBytes)
    expect(run.items.map((item) => [item.id, item.outcome, item.reclaimedBytes])).toEqual(
      result.items.map((item) => [item.id, item.outcome, item.reclaimedBytes]),
    )
  }

  /** Plans, cleans through the service, and checks prediction against reality. */
  async function planAndClean(selection: SelectionInput): Promise<Plan> {
    const before = await engineState(engine.docker)
    const bytesBefore = await engine.storageBytes()
    const plan = await client.planCleanup(selection)
    const result = await runPlanToEnd(client, { planId: plan.id, trigger: 'cli' })
    const after = await engineState(engine.docker)
    const measured = bytesBefore - (await engine.storageBytes())
    expect(comparable(after)).toEqual(comparable(predictedState(before, plan)))
    await expectExact(plan, result, measured)
    return plan
  }

  const action = (plan: Plan, name: Name) =>
    plan.items.find((item) => item.id === world.ids[name])?.action ?? 'untouched'
  const item = (plan: Plan, name: Name) => plan.items.find((i) => i.id === world.ids[name])

  it('is told from Docker, and its usage is right where its df is not', async () => {
    const info = await client.getEngineInfo()
    // Read from /info and its answer's headers (engine-kind.ts): what /version says.
    const version = await engine.docker.version()
    expect(info).toMatchObject({
      engineKind: 'podman',
      version: version.Version,
      apiVersion: version.ApiVersion,
      arch: version.Arch,
      kernelVersion: version.KernelVersion,
    })
    const status = await cli('status')
    expect(status.code, status.err).toBe(0)
    const { usage } = JSON.parse(status.out) as {
      usage: { imagesBytes: number; imageCount: number }
    }
    // `podman images` (the compatible list without `all`) leaves the untagged build step out;
    // its df lists an image once per tag and says LayersSize 0.
    const listed = await engine.docker.listImages()
    expect(usage.imageCount).toBe(listed.length)
    const df = (await engine.docker.df()) as { LayersSize: number; Images: unknown[] }
    expect(df.LayersSize).toBe(0)
    expect(df.Images.length).toBeGreaterThan(listed.length)
    // Every layer once: what the layer store holds on disk.
    const layerBytes = await dataRootBytes(join(engine.storageRoot, 'overlay'))
    figures.push(
      `  status: ${usage.imagesBytes} bytes in ${usage.imageCount} images; layer storage ${layerBytes}; df: LayersSize ${df.LayersSize}, ${df.Images.length} entries`,
    )
    expect(Math.abs(usage.imagesBytes - layerBytes)).toBeLessThanOrEqual(
      Math.max(layerBytes * 0.02, 100_000),
    )
  })

  it('--dangling', async () => {
    const plan = await planAndClean({ dangling: true })
    expect(action(plan, 'dangling')).toBe('delete')
    // The build's untagged step has a child: not dangling.
    expect(action(plan, 'step')).toBe('untouched')
    expect(plan.items.filter((i) => i.action === 'delete')).toHaveLength(1)
  })

  it('clean --unused through the CLI: every image as planned, recorded deleted, bytes exact', async () => {
    const before = await engineState(engine.docker)
    const bytesBefore = await engine.storageBytes()
    const planned = await cli('plan', '--unused')
    expect(planned.code, planned.err).toBe(0)
    const plan = JSON.parse(planned.out) as Plan
    const cleaned = await cli('clean', '--yes', '--unused')
    expect(cleaned.code, cleaned.err).toBe(0)
    const result = JSON.parse(cleaned.out) as CleanResult
    const measured = bytesBefore - (await engine.storageBytes())
    const after = await engineState(engine.docker)
    expect(comparable(after)).toEqual(comparable(predictedState(before, plan)))
    expect(result.predictedBytes).toBe(plan.reclaimBytes)
    for (const name of [
      'appA',
      'appB',
      'multi',
      'labelled',
      'old',
      'newer',
      'newest',
      'dangling',
      'parent',
      'step',
      'child',
    ] as const) {
      expect(item(plan, name)?.action, name).toBe('delete')
    }
    expect(action(plan, 'runner')).toBe('blocked')
    expect(action(plan, 'stopper')).toBe('blocked')
    // The untagged step goes with the child (Podman ignores noprune): its own item, deleted.
    expect(result.items.find((i) => i.id === world.ids.step)).toMatchObject({
      outcome: 'deleted',
      reclaimedBytes: item(plan, 'step')!.reclaimBytes,
    })
    await expectExact(plan, result, measured)
  })

  it('--unused --older-than 365d --protect-label keep=true --protect drydock-test/app-a:*', async () => {
    const plan = await planAndClean({
      unused: true,
      olderThan: '365d',
      protectLabels: ['keep=true'],
      protect: ['drydock-test/app-a:*'],
    })
    expect(action(plan, 'old')).toBe('delete')
    expect(action(plan, 'labelled')).toBe('keep')
    expect(item(plan, 'appA')).toMatchObject({
      action: 'keep',
      reason: expect.stringMatching(/too recent|matches --protect/),
    })
    // A pattern without localhost/ protects Podman's localhost/ name.
    const protectedOnly = await client.planCleanup({
      unused: true,
      protect: ['drydock-test/app-a:*'],
    })
    expect(item(protectedOnly, 'appA')).toMatchObject({
      action: 'keep',
      reason: expect.stringMatching(/localhost\/drydock-test\/app-a:1 matches --protect/),
    })
  })

  it('--keep-last 1', async () => {
    const plan = await planAndClean({ keepLast: 1 })
    expect(action(plan, 'newer')).toBe('delete')
    expect(action(plan, 'newest')).toBe('untouched')
    expect(item(plan, 'multi')).toMatchObject({ action: 'untag', untag: [local('multi', '1')] })
  })

  it('--image by tag, short name, ID and several tags; a parent whose child stays goes too', async () => {
    const plan = await planAndClean({
      images: [
        'drydock-test/app-a:1', // short name: localhost/ first
        local('multi', '1'), // other names remain: only this one goes
        world.ids.dangling, // untagged, by ID
        'drydock-test/parent:1', // a child stays: Podman deletes it anyway (its layers stay)
        'drydock-test/stopper:1', // a created container uses it: Podman refuses
        world.ids.appB, // by ID, one name
      ],
    })
    expect(action(plan, 'appA')).toBe('delete')
    expect(item(plan, 'multi')).toMatchObject({ action: 'untag', untag: [local('multi', '1')] })
    expect(action(plan, 'dangling')).toBe('delete')
    expect(item(plan, 'parent')).toMatchObject({ action: 'delete', reclaimBytes: 0 })
    expect(item(plan, 'stopper')).toMatchObject({
      action: 'blocked',
      blockers: [{ kind: 'stopped-container' }],
    })
    expect(action(plan, 'appB')).toBe('delete')
  })

  it('--image by ID where Podman needs force, without it: blocked, nothing changes', async () => {
    const plan = await planAndClean({
      images: [world.ids.multi, world.ids.runner, world.ids.stopper],
    })
    expect(plan.items.map((i) => [i.id, i.action])).toEqual([
      [world.ids.multi, 'blocked'],
      [world.ids.runner, 'blocked'],
      [world.ids.stopper, 'blocked'],
    ])
    expect(item(plan, 'multi')?.reason).toMatch(/by ID with more than one tag/)
    expect(plan.reclaimBytes).toBe(0)
  })

  it('--image … --force: never stops or removes a container unasked (podman#25871)', async () => {
    const plan = await planAndClean({
      images: [
        world.ids.multi,
        'drydock-test/stopper:1',
        'drydock-test/runner:1',
        'drydock-test/child:1',
      ],
      force: true,
    })
    expect(action(plan, 'multi')).toBe('delete')
    for (const name of ['stopper', 'runner'] as const) {
      expect(item(plan, name)).toMatchObject({
        action: 'blocked',
        reason: expect.stringMatching(/podman#25871.*--with-containers/),
      })
    }
    // The child goes with its untagged step (Podman's parent walk), each its own item.
    expect(action(plan, 'child')).toBe('delete')
    expect(action(plan, 'step')).toBe('delete')
    const after = await engineState(engine.docker)
    expect(after.containers).toEqual(new Set([world.runnerId, world.stopperId]))
  })

  it('--with-containers: the containers go first, as items of their own, then the images', async () => {
    const plan = await planAndClean({
      images: ['drydock-test/runner:1', 'drydock-test/stopper:1'],
      withContainers: true,
    })
    expect(item(plan, 'runner')).toMatchObject({
      action: 'delete',
      affectedContainers: [expect.objectContaining({ id: world.runnerId, effect: 'removed' })],
    })
    expect(action(plan, 'stopper')).toBe('delete')
    expect(plan.items.filter((i) => i.kind === 'container')).toEqual([
      expect.objectContaining({
        id: world.runnerId,
        requests: [expect.objectContaining({ stop: world.running })],
      }),
      expect.objectContaining({ id: world.stopperId }),
    ])
  })
})
