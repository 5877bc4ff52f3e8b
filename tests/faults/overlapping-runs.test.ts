/**
 * Two Drydock processes clean overlapping plans at once, on one private engine and one log (as
 * the app and a `drydock clean` share it): 300 images, 200 in both plans, 50 in each plan only,
 * 10 protected by both. Five rounds. Afterwards every planned image is gone, each exactly once:
 * the union of the runs' 'deleted' outcomes is what the engine removed, no image is 'deleted' in
 * both, an image the other process removed first is 'skipped' with the reason (never 'failed',
 * never 'deleted' twice), and nothing outside a run's plan is gone.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CleanResult } from '../../src/shared/cleanup'
import type { RunDetail } from '../../src/shared/history'
import { loadImages, type ImageSpec } from '../support/image-archive'
import { startPrivateEngine, type PrivateEngine } from '../support/private-engine'
import { FaultTable, requireFaultEnvironment, runCli } from './support'

const env = await requireFaultEnvironment()
const ROUNDS = 5
const table = new FaultTable('two Drydock processes clean overlapping plans at once')

function images(repository: string, count: number, offset: number): ImageSpec[] {
  return Array.from({ length: count }, (_, index) => ({
    tags: [`${repository}/img-${index}:1`],
    created: '2024-01-01T00:00:00Z',
    labels: { 'drydock.fault': String(offset + index) },
    // A few layers shared by many images: loads fast, and deletes race on shared layers too.
    layers: [{ files: { [`/data/${index % 10}`]: { size: 4096, seed: index % 10 } } }],
  }))
}

const BOTH = images('fault-ab', 200, 0)
const ONLY_A = images('fault-a', 50, 1000)
const ONLY_B = images('fault-b', 50, 2000)
const KEPT = images('fault-keep', 10, 3000)

describe.skipIf(env.skip)('two Drydock processes clean overlapping plans at once', () => {
  let engine: PrivateEngine
  let work: string

  beforeAll(async () => {
    engine = await startPrivateEngine('faults-overlap')
    work = mkdtempSync(join(tmpdir(), 'drydock-faults-overlap-'))
  }, 300_000)

  afterAll(async () => {
    table.print()
    await engine?.stop()
    if (work) rmSync(work, { recursive: true, force: true })
  }, 120_000)

  it(`no item is deleted twice or recorded wrongly (${ROUNDS} rounds)`, async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      const started = performance.now()
      const db = join(work, `round-${round}.sqlite`)
      const loaded = await loadImages(engine.docker, [...BOTH, ...ONLY_A, ...ONLY_B, ...KEPT])
      const idsOf = (specs: ImageSpec[]) =>
        new Set(loaded.filter((image) => specs.includes(image.spec)).map((image) => image.id))
      const [both, onlyA, onlyB, kept] = [idsOf(BOTH), idsOf(ONLY_A), idsOf(ONLY_B), idsOf(KEPT)]
      const before = new Set((await engine.docker.listImages({ all: true })).map((i) => i.Id))

      const clean = (protect: string) =>
        runCli(
          [
            '--host',
            engine.host,
            '--db',
            db,
            '--json',
            'clean',
            '--unused',
            '--protect',
            'fault-keep/*',
            '--protect',
            protect,
            '--yes',
          ],
          { killAfterMs: 300_000 },
        )
      // Together: each plans, then runs, while the other deletes.
      const [a, b] = await Promise.all([clean('fault-b/*'), clean('fault-a/*')])
      const results = [a, b].map((run) => {
        try {
          return JSON.parse(run.stdout) as CleanResult
        } catch {
          return null
        }
      })
      const history = await runCli(['--host', engine.host, '--db', db, '--json', 'history'])
      const runs = JSON.parse(history.stdout) as RunDetail[]
      const after = new Set((await engine.docker.listImages({ all: true })).map((i) => i.Id))
      const removed = new Set([...before].filter((id) => !after.has(id)))

      const [resultA, resultB] = results
      const deletedBy = (result: CleanResult | null | undefined) =>
        new Set((result?.items ?? []).filter((i) => i.outcome === 'deleted').map((item) => item.id))
      const [deletedA, deletedB] = [deletedBy(resultA), deletedBy(resultB)]
      const twice = [...deletedA].filter((id) => deletedB.has(id))
      const union = new Set([...deletedA, ...deletedB])
      const planned = new Set([...both, ...onlyA, ...onlyB])
      const notGone = [...planned].filter((id) => after.has(id))
      const unionMismatch = [...removed]
        .filter((id) => !union.has(id))
        .concat([...union].filter((id) => !removed.has(id)))
      const outsidePlan = [...removed].filter((id) => !planned.has(id))
      const keptGone = [...kept].filter((id) => !after.has(id))
      const wrongOwner =
        [...onlyA].filter((id) => deletedB.has(id)).length +
        [...onlyB].filter((id) => deletedA.has(id)).length
      const items = [resultA, resultB].flatMap((result) => result?.items ?? [])
      const failed = items.filter((item) => item.outcome === 'failed')
      const badSkips = items.filter(
        (item) =>
          item.outcome === 'skipped' && (!(item.error ?? '').match(/gone/) || !union.has(item.id)),
      )
      // The log says what each process said.
      const logged = runs
        .flatMap((run) => run.items)
        .filter((item) => item.outcome === 'deleted')
        .map((item) => item.id)
      const logMatches =
        logged.length === union.size + twice.length && logged.every((id) => union.has(id))
      const count = (result: CleanResult | null | undefined) => {
        const c = { deleted: 0, skipped: 0, failed: 0 }
        for (const item of result?.items ?? []) {
          if (item.outcome in c) c[item.outcome as keyof typeof c] += 1
        }
        // Skipped at the re-check (gone before its turn) or at the delete itself (the other
        // process won the race between this run's re-check and its request).
        const raced = (result?.items ?? []).filter((item) =>
          /removed it during this run/.test(item.error ?? ''),
        ).length
        return `${c.deleted} deleted, ${c.skipped} skipped (${raced} lost the race at the delete), ${c.failed} failed`
      }
      const held =
        a.code === 0 &&
        b.code === 0 &&
        twice.length === 0 &&
        notGone.length === 0 &&
        unionMismatch.length === 0 &&
        outsidePlan.length === 0 &&
        keptGone.length === 0 &&
        wrongOwner === 0 &&
        failed.length === 0 &&
        badSkips.length === 0 &&
        logMatches
      table.check(
        `round ${round}: 300 images, 200 in both plans`,
        held,
        `A exit ${a.code}: ${count(resultA)}; B exit ${b.code}: ${count(resultB)}; ` +
          `engine removed ${removed.size}, deleted in both ${twice.length}, ` +
          `union ≠ removed ${unionMismatch.length}, failed ${failed.length}, ` +
          `skips without reason ${badSkips.length}, outside the plan ${outsidePlan.length + keptGone.length + wrongOwner}` +
          (failed[0] ? `; e.g. failed: ${failed[0].error}` : ''),
        performance.now() - started,
      )
      expect(
        failed.map((item) => `${item.name}: ${item.error}`),
        'failed items',
      ).toEqual([])
      expect([a.code, b.code], `${a.stderr}\n${b.stderr}`).toEqual([0, 0])
      expect(twice, 'deleted by both').toEqual([])
      expect(notGone, 'planned images still there').toEqual([])
      expect(unionMismatch, "the runs' deleted outcomes against the engine").toEqual([])
      expect(outsidePlan).toEqual([])
      expect(keptGone).toEqual([])
      expect(wrongOwner).toBe(0)
      expect(
        badSkips.map((item) => `${item.name}: ${item.error}`),
        'skipped without the reason',
      ).toEqual([])
      expect(logMatches, 'the log agrees with what the processes said').toBe(true)
    }
  }, 900_000)
})
