/**
 * The engine SIGKILLed mid-cleanup. A 600-image `drydock clean` on a private engine; at a random
 * point (after N recorded outcomes, N random) its dockerd and containerd are SIGKILLed, then the
 * engine is restarted on the same data root. Ten rounds. Every time: the CLI exits 3 with one
 * sentence; once Drydock has seen the engine again, the log's outcomes equal what the engine
 * removed (deleted ⇔ gone), and nothing outside the plan is gone.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PROBE_LABEL } from '../../src/core/engine/probe-image'
import type { RunDetail } from '../../src/shared/history'
import { busyboxLayer, loadImages, type ImageSpec } from '../support/image-archive'
import { startPrivateEngine, type PrivateEngine } from '../support/private-engine'
import {
  FaultTable,
  killEngine,
  oneSentence,
  recordedOutcomes,
  requireFaultEnvironment,
  runCli,
  SEED,
  seededRandom,
  sleep,
  startCli,
  waitGone,
} from './support'

const env = await requireFaultEnvironment()
const ROUNDS = 10
const IMAGES = 600
const table = new FaultTable('the engine SIGKILLed during a 600-image cleanup')

/**
 * The plan's images, all unused: 600 image IDs (a label of their own) over 20 layers, so one
 * `docker load` takes seconds (600 distinct layers take over a minute on overlay2); the last
 * image of each layer frees it.
 */
const planned: ImageSpec[] = Array.from({ length: IMAGES }, (_, index) => ({
  tags: [`fault-kill/img-${index}:1`],
  created: '2024-01-01T00:00:00Z',
  labels: { 'drydock.fault': String(index) },
  layers: [{ files: { [`/data/${index % 20}`]: { size: 4096, seed: index % 20 } } }],
}))
/** Outside the plan: protected by the command's --protect, or used by a container. */
const KEEP = 10
const kept: ImageSpec[] = Array.from({ length: KEEP }, (_, index) => ({
  tags: [`fault-keep/app:${index}`],
  created: '2024-01-01T00:00:00Z',
  layers: [{ files: { [`/keep/${index}`]: { size: 512, seed: 10_000 + index } } }],
}))
const used: ImageSpec = {
  tags: ['fault-used/app:1'],
  created: '2024-01-01T00:00:00Z',
  layers: [busyboxLayer()],
}

describe.skipIf(env.skip)('the engine SIGKILLed during a 600-image cleanup', () => {
  let engine: PrivateEngine
  let work: string
  const outside = new Set<string>()
  const random = seededRandom(SEED)

  beforeAll(async () => {
    engine = await startPrivateEngine('faults-kill')
    work = mkdtempSync(join(tmpdir(), 'drydock-faults-kill-'))
    const loaded = await loadImages(engine.docker, [...kept, used])
    for (const image of loaded) outside.add(image.id)
    await engine.docker.createContainer({
      Image: 'fault-used/app:1',
      Cmd: ['true'],
      HostConfig: { NetworkMode: 'none' },
    })
  }, 300_000)

  afterAll(async () => {
    table.print()
    await engine?.stop()
    if (work) rmSync(work, { recursive: true, force: true })
  }, 120_000)

  it(`holds at ${ROUNDS} random points`, async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      const roundStarted = performance.now()
      const db = join(work, `round-${round}.sqlite`)
      // One `docker load` of one generated archive: what an earlier round removed comes back.
      await loadImages(engine.docker, planned)
      // Drydock's own free-space probe image (labelled; loaded while `clean` plans, removed after
      // its one run) is not the user's: a kill during a probe leaves it for the next round to
      // sweep, which is no image outside the plan.
      const listedBefore = (await engine.docker.listImages({ all: true })).filter(
        (image) => image.Labels?.[PROBE_LABEL] === undefined,
      )
      const before = new Set(listedBefore.map((image) => image.Id))
      const tagsBefore = new Map(listedBefore.map((image) => [image.Id, image.RepoTags ?? []]))
      // Somewhere in the run, never before its first outcome nor after its last.
      const killAt = 1 + Math.floor(random() * (IMAGES - 60))

      const cli = startCli([
        '--host',
        engine.host,
        '--db',
        db,
        '--json',
        'clean',
        '--unused',
        '--protect',
        'fault-keep/*',
        '--yes',
      ])
      const deadline = Date.now() + 120_000
      let exitedEarly = false
      void cli.done.then(() => (exitedEarly = true))
      while (recordedOutcomes(db) < killAt && Date.now() < deadline && !exitedEarly) {
        await sleep(2)
      }
      const killedAfter = recordedOutcomes(db)
      const pids = killEngine(engine.host)
      const killedAt = performance.now()
      await waitGone(pids)
      const exit = await cli.done
      const exitMs = performance.now() - killedAt

      await engine.restart()
      // Drydock sees the engine again (history settles the runs the kill interrupted).
      const history = await runCli(['--host', engine.host, '--db', db, '--json', 'history'])
      expect(history.code, history.stderr).toBe(0)
      const [run] = JSON.parse(history.stdout) as RunDetail[]
      const images = await engine.docker.listImages({ all: true })
      const after = new Set(images.map((i) => i.Id))
      const tagsNow = new Map(images.map((i) => [i.Id, new Set(i.RepoTags ?? [])]))

      const planIds = new Set(run?.items.map((item) => item.id) ?? [])
      const removed = [...before].filter((id) => !after.has(id))
      const deleted = new Set(
        run?.items.filter((item) => item.outcome === 'deleted').map((item) => item.id) ?? [],
      )
      // deleted ⇔ gone; untagged ⇔ there, a tag gone (the kill fell between the engine's untag
      // and its delete); anything else (not reached) ⇔ there with every tag.
      const wrong = (run?.items ?? []).filter((item) => {
        const tags = tagsNow.get(item.id)
        if (item.outcome === 'deleted') return tags !== undefined
        if (tags === undefined) return true
        const lostTag = item.tags.some((tag) => !tags.has(tag))
        return item.outcome === 'untagged' ? !lostTag : lostTag
      })
      const outsidePlan = removed.filter((id) => !planIds.has(id))
      const outsideGone = [...outside].filter((id) => !after.has(id))
      const sentence = oneSentence(exit.stderr)
      const outcomes = (run?.items ?? []).reduce<Record<string, number>>((count, item) => {
        const key = item.outcome ?? 'not reached'
        count[key] = (count[key] ?? 0) + 1
        return count
      }, {})

      const held =
        !exitedEarly || exit.code === 3
          ? exit.code === 3 &&
            sentence !== null &&
            run !== undefined &&
            run.items.length === IMAGES &&
            wrong.length === 0 &&
            removed.length === deleted.size &&
            outsidePlan.length === 0 &&
            outsideGone.length === 0
          : false
      table.check(
        `round ${round}: kill after ${killedAfter} outcomes (aimed ${killAt})`,
        held,
        `exit ${exit.code} in ${Math.round(exitMs)} ms after the kill; run ${run?.status}; ` +
          `${Object.entries(outcomes)
            .map(([k, n]) => `${n} ${k}`)
            .join(', ')}; engine removed ${removed.length}; ` +
          `${wrong.length} wrong; ${outsidePlan.length + outsideGone.length} outside the plan gone` +
          (sentence ? `; "${sentence}"` : `; stderr: ${JSON.stringify(exit.stderr.slice(0, 200))}`),
        performance.now() - roundStarted,
      )
      expect(exit.code, exit.stderr).toBe(3)
      expect(sentence, exit.stderr).not.toBeNull()
      expect(run?.items.length).toBe(IMAGES)
      expect(
        wrong.map((item) => `${item.name}: ${item.outcome} (${item.error})`),
        'outcomes that disagree with the engine',
      ).toEqual([])
      expect(removed.length).toBe(deleted.size)
      expect(
        outsidePlan.map(
          (id) => `${id} (${[...(tagsBefore.get(id) ?? [])].join(', ') || 'untagged'})`,
        ),
      ).toEqual([])
      expect(outsideGone).toEqual([])
    }
  }, 900_000)
})
