/**
 * The log's view of the engine: when images were last used (from the engine's events), what
 * `--unused-for` keeps, the exact reclaimable bytes, usage samples, and history with the engine
 * gone. Real engine, real SQLite file, the CLI in-process.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/program'
import { DrydockService } from '../../src/core/service'
import { LastUsedStore, openDatabase } from '../../src/core/store'
import { SelectionSchema, type Plan } from '../../src/shared/cleanup'
import type { RunDetail } from '../../src/shared/history'
import { recordingIo } from '../support/cli-io'
import { busyboxLayer, loadImages, type LoadedImage } from '../support/image-archive'
import {
  cleanupTestObjects,
  createTestContainer,
  createTestRun,
  requireTestEngine,
  testRef,
} from '../support/test-engine'

const engine = await requireTestEngine()
const run = createTestRun('last-used')

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = recordingIo()
  const code = await runCli(args, io)
  return { code, out: io.out(), err: io.err() }
}

describe.skipIf(engine.skip)(
  'last use, --unused-for and the log against the private engine',
  () => {
    // One log for the whole suite: later tests read what earlier ones recorded.
    const dir = mkdtempSync(join(tmpdir(), 'drydock-last-used-'))
    const db = join(dir, 'drydock.db')
    let used: LoadedImage
    let neverUsed: LoadedImage
    let service: DrydockService

    beforeAll(async () => {
      // Both built years ago; only `used` gets a container (created, then removed): afterwards
      // nothing but the engine's events remembers that it was used.
      ;[used, neverUsed] = (await loadImages(
        engine.docker,
        [
          {
            tags: [testRef('lru-used', '1')],
            created: '2020-01-01T00:00:00Z',
            layers: [busyboxLayer(), { files: { 'used.txt': 'u'.repeat(3000) } }],
          },
          {
            tags: [testRef('lru-idle', '1')],
            created: '2020-01-01T00:00:00Z',
            layers: [busyboxLayer(), { files: { 'idle.txt': 'i'.repeat(5000) } }],
          },
        ],
        run,
      )) as [LoadedImage, LoadedImage]
      // Drydock starts following this engine now: the loads above happened before it was watching
      // (their events would count as uses too), the container below after.
      const opened = openDatabase(db)
      new LastUsedStore(opened.db).record(engine.host, [], Date.now())
      opened.close()
      await new Promise((resolve) => setTimeout(resolve, 20))
      const container = await createTestContainer(engine.docker, run, {
        image: testRef('lru-used', '1'),
        cmd: ['true'],
      })
      await container.remove()
      run.containerIds.delete(container.id)
      service = new DrydockService({
        host: engine.host,
        transport: 'in-process',
        version: 'test',
        env: {},
        databasePath: db,
      })
    })

    afterAll(async () => {
      service?.close()
      rmSync(dir, { recursive: true, force: true })
      await cleanupTestObjects(engine.docker, run)
    })

    it('knows an image was used from the engine’s events, and falls back to the build time', async () => {
      const images = await service.listImages()
      const seen = images.find((image) => image.id === used.id)!
      const idle = images.find((image) => image.id === neverUsed.id)!
      expect(seen.lastUsedSource).toBe('event')
      expect(Date.now() - Date.parse(seen.lastUsed)).toBeLessThan(10 * 60_000)
      expect(idle).toMatchObject({
        lastUsedSource: 'created',
        lastUsed: '2020-01-01T00:00:00.000Z',
      })
    })

    it('--unused-for keeps what was used recently and removes what was not', async () => {
      const { code, out, err } = await cli([
        '--host',
        engine.host,
        '--db',
        db,
        '--json',
        'plan',
        '--unused-for',
        '1h',
      ])
      expect(err).toBe('')
      expect(code).toBe(0)
      const plan = JSON.parse(out) as Plan
      expect(plan.selection).toMatchObject({ unused: true, unusedFor: '1h' })
      const ours = plan.items.filter((item) => item.id === used.id || item.id === neverUsed.id)
      expect(ours.find((item) => item.id === neverUsed.id)?.action).toBe('delete')
      const kept = ours.find((item) => item.id === used.id)!
      expect(kept.action).toBe('keep')
      expect(kept.reason).toMatch(/^recently used: used \d{4}-\d\d-\d\d, within --unused-for 1h$/)
    })

    it('remembers the use in the log for a later process, whatever the engine still buffers', async () => {
      const later = new DrydockService({
        host: engine.host,
        transport: 'in-process',
        version: 'test',
        env: {},
        databasePath: db,
      })
      try {
        const images = await later.listImages()
        expect(images.find((image) => image.id === used.id)?.lastUsedSource).toBe('event')
      } finally {
        later.close()
      }
    })

    it('reports reclaimable image bytes equal to the --unused plan', async () => {
      const [reclaimable, plan] = await Promise.all([
        service.getReclaimable(),
        service.planCleanup(SelectionSchema.parse({ unused: true })),
      ])
      expect(reclaimable.imagesBytes).toBe(plan.reclaimBytes)
      expect(reclaimable.imagesBytes).toBeGreaterThanOrEqual(3000 + 5000)
    })

    it('a protected pattern in Settings protects the image from every plan', async () => {
      await service.updateSettings({ protectedPatterns: [testRef('lru-idle', '*')] })
      try {
        const images = await service.listImages()
        expect(images.find((image) => image.id === neverUsed.id)?.protected).toBe(true)
        const { out } = await cli(['--host', engine.host, '--db', db, '--json', 'plan', '--unused'])
        const item = (JSON.parse(out) as Plan).items.find((entry) => entry.id === neverUsed.id)!
        expect(item.action).toBe('keep')
        expect(item.blockers[0]?.kind).toBe('protected')
      } finally {
        await service.updateSettings({ protectedPatterns: [] })
      }
    })

    it('samples usage into the log and serves it as a series', async () => {
      const usage = await service.sampleUsage()
      expect(usage).not.toBeNull()
      const now = Date.now()
      const series = await service.getUsageSeries({
        from: new Date(now - 3_600_000).toISOString(),
        to: new Date(now + 60_000).toISOString(),
        maxPoints: 500,
      })
      expect(series).toMatchObject({ host: engine.host, resolution: 'raw' })
      expect(series.points.at(-1)).toMatchObject({
        imagesBytes: usage!.imagesBytes,
        freeBytes: usage!.freeBytes,
      })
    })

    it('after drydock clean, history shows the run and its items with the engine gone', async () => {
      const beforeClean = Date.now()
      const cleaned = await cli([
        '--host',
        engine.host,
        '--db',
        db,
        '--json',
        'clean',
        '--image',
        testRef('lru-idle', '1'),
        '--yes',
      ])
      expect(cleaned.code).toBe(0)
      const runId = (JSON.parse(cleaned.out) as { runId: string }).runId

      const gone = 'unix:///tmp/drydock-no-engine-here.sock'
      const history = await cli(['--host', gone, '--db', db, '--json', 'history', '--run', runId])
      expect(history.code).toBe(0)
      const detail = JSON.parse(history.out) as RunDetail
      expect(detail).toMatchObject({ id: runId, status: 'done', trigger: 'cli' })
      expect(detail.items).toEqual([
        expect.objectContaining({
          kind: 'image',
          id: neverUsed.id,
          name: testRef('lru-idle', '1'),
          tags: [testRef('lru-idle', '1')],
          outcome: 'deleted',
        }),
      ])
      // The usage history and the run list read from the log alone too.
      const offline = new DrydockService({
        host: gone,
        transport: 'in-process',
        version: 'test',
        env: {},
        databasePath: db,
      })
      try {
        // `clean` took a usage sample after the run.
        const series = await offline.getUsageSeries({
          from: new Date(beforeClean).toISOString(),
          to: new Date(Date.now() + 60_000).toISOString(),
          maxPoints: 500,
        })
        expect(series.host).toBe(engine.host)
        expect(series.points).toHaveLength(1)
        expect(await offline.listRuns({ limit: 10, triggers: ['cli'] })).toEqual([
          expect.objectContaining({ id: runId }),
        ])
      } finally {
        offline.close()
      }
    })

    it('follows use events live in a long-lived process', async () => {
      const live = new DrydockService({
        host: engine.host,
        transport: 'in-process',
        version: 'test',
        env: {},
        databasePath: db,
      })
      const stop = live.startSampling()
      try {
        await live.getConnection()
        // Give the follower its stream before the use happens.
        await new Promise((resolve) => setTimeout(resolve, 300))
        const since = Date.now()
        const container = await createTestContainer(engine.docker, run, {
          image: used.id,
          cmd: ['true'],
        })
        await container.remove()
        run.containerIds.delete(container.id)
        // Recorded by the follower (not a catch-up: the cursor moves with each recorded use).
        const opened = openDatabase(db)
        try {
          const store = new LastUsedStore(opened.db)
          await expect
            .poll(() => store.uses(engine.host).get(used.id)?.at ?? 0, { timeout: 5_000 })
            .toBeGreaterThanOrEqual(since - 1000)
          expect(store.uses(engine.host).get(used.id)?.event).toMatch(/^container (create|start)$/)
        } finally {
          opened.close()
        }
      } finally {
        stop()
        live.close()
      }
    })

    it('shares one /system/df among overlapping reads (API 1.41 refuses a second)', async () => {
      const [a, reclaimable, b] = await Promise.all([
        service.getDiskUsage(),
        service.getReclaimable(),
        service.getDiskUsage(),
      ])
      expect(a.imagesBytes).toBe(b.imagesBytes)
      expect(reclaimable.containersBytes).toBeGreaterThanOrEqual(0)
    })

    it('restoring from an unreachable registry fails with one sentence naming the engine', async () => {
      const reference = `127.0.0.1:1/drydock-test/gone@sha256:${'0'.repeat(64)}`
      await expect(service.restoreImage({ reference })).rejects.toMatchObject({
        code: 'engine-error',
        message: expect.stringContaining(`The engine at ${engine.host} failed:`),
      })
    })
  },
)
