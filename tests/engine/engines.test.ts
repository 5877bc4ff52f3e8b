/**
 * Two engines followed at once, through the contract as the window uses it: the engine list, a
 * switch from one to the other, usage sampled for both (each in its own history), and a plan
 * made on one refused after the switch. Private engines of its own.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createInProcessClient } from '../../src/core/in-process-client'
import { DrydockService } from '../../src/core/service'
import type { DrydockClient } from '../../src/shared/contract'
import { busyboxLayer, loadImages } from '../support/image-archive'
import { startPrivateEngine, type PrivateEngine } from '../support/private-engine'
import { probeTestEngine } from '../support/test-engine'
import { suiteTempDirOnStart } from '../support/temp-dir'

const probe = await probeTestEngine()
if (!probe.ok && process.env.CI === 'true') {
  throw new Error(`${probe.reason} (CI=true: engine tests may not be skipped)`)
}

describe.skipIf(!probe.ok)('several engines at once', () => {
  let a: PrivateEngine
  let b: PrivateEngine
  let service: DrydockService
  let client: DrydockClient
  let stop: () => void = () => undefined

  const logDir = suiteTempDirOnStart('drydock-fleet-')

  beforeAll(async () => {
    ;[a, b] = await Promise.all([startPrivateEngine('fleet-a'), startPrivateEngine('fleet-b')])
    service = new DrydockService({
      transport: 'http',
      version: 'test',
      env: {},
      databasePath: join(logDir(), 'log.sqlite'),
      hostFromSettings: true,
    })
    client = createInProcessClient(service)
    await client.updateSettings({ host: a.host, followedEngines: [a.host, b.host] })
    await client.reconnect()
    stop = service.startSampling()
  }, 120_000)

  afterAll(async () => {
    stop()
    service?.close()
    await Promise.all([a?.stop(), b?.stop()])
  })

  it('lists both, samples both, and switches between them', async () => {
    const engines = await client.listEngines()
    expect(engines.filter((e) => [a.host, b.host].includes(e.host))).toEqual([
      expect.objectContaining({ host: a.host, current: true, followed: true }),
      expect.objectContaining({ host: b.host, current: false, followed: true }),
    ])
    const sampled = async (host: string) => {
      const deadline = Date.now() + 20_000
      for (;;) {
        const series = await client.getUsageSeries({
          from: new Date(Date.now() - 3_600_000).toISOString(),
          to: new Date(Date.now() + 60_000).toISOString(),
          host,
        })
        if (series.points.length > 0 || Date.now() > deadline) return series.points.length
        await new Promise((resolve) => setTimeout(resolve, 250))
      }
    }
    expect(await sampled(a.host)).toBeGreaterThan(0)
    expect(await sampled(b.host)).toBeGreaterThan(0)

    const state = await client.switchEngine({ host: b.host })
    expect(state).toMatchObject({ status: 'connected', host: b.host })
    expect((await client.getEngineInfo()).host).toBe(b.host)
    expect((await client.listEngines()).find((e) => e.current)?.host).toBe(b.host)
  })

  it('a plan made on one engine is refused after switching to the other', async () => {
    await client.switchEngine({ host: a.host })
    const [kept] = await loadImages(a.docker, [
      {
        tags: [],
        created: '2024-01-01T00:00:00Z',
        layers: [busyboxLayer(), { files: { '/x': 'x' } }],
      },
    ])
    const plan = await client.planCleanup({ dangling: true })
    expect(plan.items.some((item) => item.action === 'delete')).toBe(true)
    await client.switchEngine({ host: b.host })
    await expect(client.runCleanup({ planId: plan.id, trigger: 'manual' })).rejects.toMatchObject({
      message: expect.stringMatching(/Nothing was removed/),
    })
    expect((await a.docker.getImage(kept!.id).inspect()).Id).toBe(kept!.id)
  })
})
