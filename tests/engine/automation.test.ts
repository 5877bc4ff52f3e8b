/**
 * Cleanup that runs itself, in browser mode (the contract over HTTP, as the window uses it): a
 * scheduled run and an alert-triggered run with a fake clock, each in the log with its trigger;
 * a run that would overlap another is skipped and recorded; an unreachable engine is recorded as
 * skipped; and one scheduled run with the real clock (a schedule one minute ahead). Its own
 * private engine: the policies reach every dangling image there.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Clock } from '../../src/core/automation'
import { builtRendererDir } from '../../src/core/package-info'
import { DrydockService } from '../../src/core/service'
import type { AutomaticRun } from '../../src/shared/automation'
import { startWebServer, type WebServer } from '../../src/web/server'
import { busyboxLayer, loadImages } from '../support/image-archive'
import { startPrivateEngine, type PrivateEngine } from '../support/private-engine'
import { probeTestEngine } from '../support/test-engine'
import { suiteTempDirOnStart, tempDir } from '../support/temp-dir'

const probe = await probeTestEngine()
if (!probe.ok && process.env.CI === 'true') {
  throw new Error(`${probe.reason} (CI=true: engine tests may not be skipped)`)
}

/** A clock tests move by hand: timers fire when their time is passed. */
class FakeClock implements Clock {
  private timers: { at: number; callback: () => void; id: number }[] = []
  private next = 1
  constructor(private time: number) {}
  now = () => new Date(this.time)
  setTimeout = (callback: () => void, ms: number) => {
    const id = this.next++
    this.timers.push({ at: this.time + ms, callback, id })
    return id
  }
  clearTimeout = (handle: unknown) => {
    this.timers = this.timers.filter((timer) => timer.id !== handle)
  }
  /** Moves time forward, firing what is due. */
  advance(ms: number): void {
    this.time += ms
    const due = this.timers.filter((timer) => timer.at <= this.time)
    this.timers = this.timers.filter((timer) => timer.at > this.time)
    for (const timer of due) timer.callback()
  }
}

async function until<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await read()
    if (ok(value) || Date.now() > deadline) return value
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

describe.skipIf(!probe.ok)('automatic cleanup in browser mode', () => {
  let engine: PrivateEngine
  let service: DrydockService
  let server: WebServer
  let clock: FakeClock
  const logDir = suiteTempDirOnStart('drydock-auto-')

  const call = async <T>(method: string, body: unknown = {}): Promise<T> => {
    const response = await fetch(`${server.origin}/api/call/${method}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${server.token}`,
        origin: server.origin,
      },
      body: JSON.stringify(body),
    })
    const envelope = (await response.json()) as { ok: boolean; value: T; error?: unknown }
    if (!envelope.ok) throw new Error(JSON.stringify(envelope.error))
    return envelope.value
  }
  const dangling = (seed: string) =>
    loadImages(engine.docker, [
      {
        tags: [],
        created: '2024-01-01T00:00:00Z',
        layers: [busyboxLayer(), { files: { [`/${seed}`]: seed } }],
      },
    ])

  beforeAll(async () => {
    engine = await startPrivateEngine('automation')
    clock = new FakeClock(Date.parse('2026-06-01T01:00:00'))
    service = new DrydockService({
      host: engine.host,
      transport: 'http',
      version: 'test',
      env: {},
      databasePath: join(logDir(), 'log.sqlite'),
      clock,
    })
    server = await startWebServer({
      service,
      rendererDir: builtRendererDir(),
      port: 0,
      token: 'test-token',
    })
    service.startSampling()
  }, 120_000)

  afterAll(async () => {
    await server?.close()
    service?.close()
    await engine?.stop()
  })

  it('runs on its schedule (daily 03:30) with trigger "schedule", and says what it will do next', async () => {
    const [image] = await dangling('scheduled')
    await call('updateSettings', {
      automation: {
        enabled: true,
        schedule: { kind: 'daily', time: '03:30' },
        onAlert: false,
        policy: { kind: 'default' },
      },
    })
    const status = await call<{ nextAt: string; wouldRemove: { items: number } }>('getAutomation')
    expect(new Date(status.nextAt).getHours()).toBe(3)
    expect(status.wouldRemove.items).toBeGreaterThanOrEqual(1)
    clock.advance(2.5 * 3_600_000) // 03:30
    const runs = await until(
      () => call<{ trigger: string; status: string }[]>('listRuns', { triggers: ['schedule'] }),
      (list) => list.length === 1 && list[0]!.status !== 'running',
    )
    expect(runs[0]).toMatchObject({ trigger: 'schedule', status: 'done' })
    await expect(engine.docker.getImage(image!.id).inspect()).rejects.toMatchObject({
      statusCode: 404,
    })
    const after = await call<{ recent: AutomaticRun[]; nextAt: string }>('getAutomation')
    expect(after.recent[0]).toMatchObject({ trigger: 'schedule', outcome: 'started' })
    expect(new Date(after.nextAt).getDate()).toBe(clock.now().getDate() + 1)
  })

  it('runs when an alert is raised, with trigger "threshold"', async () => {
    await dangling('alerted')
    await call('updateSettings', {
      automation: {
        enabled: true,
        schedule: { kind: 'off' },
        onAlert: true,
        policy: { kind: 'default' },
      },
      // Any Docker usage at all crosses this: the next sample raises the alert.
      alerts: { enabled: true, usageAboveBytes: 1, freeBelowBytes: null, freeBelowPercent: null },
    })
    await service.sampler.sample()
    const runs = await until(
      () => call<{ trigger: string; status: string }[]>('listRuns', { triggers: ['threshold'] }),
      (list) => list.length === 1 && list[0]!.status !== 'running',
    )
    expect(runs[0]).toMatchObject({ trigger: 'threshold', status: 'done' })
  })

  it('a run that would overlap another is skipped and recorded, and so is an unreachable engine', async () => {
    await dangling('overlap')
    await call('updateSettings', {
      automation: {
        enabled: true,
        schedule: { kind: 'off' },
        onAlert: false,
        policy: { kind: 'default' },
      },
      alerts: { usageAboveBytes: null },
    })
    // A manual cleanup that takes a while: a container whose stop takes its whole timeout.
    const [slow] = await loadImages(engine.docker, [
      { tags: ['slow:1'], created: '2024-01-01T00:00:00Z', layers: [busyboxLayer()] },
    ])
    const container = await engine.docker.createContainer({
      Image: slow!.id,
      Cmd: ['sleep', '3600'],
      StopTimeout: 3,
      HostConfig: { NetworkMode: 'none' },
    })
    await container.start()
    const plan = await call<{ id: string }>('planCleanup', {
      containers: [container.id],
      force: true,
    })
    await call('runCleanup', { planId: plan.id, trigger: 'manual' })
    const skipped = await service.automation.runNow('schedule')
    expect(skipped).toMatchObject({
      outcome: 'skipped',
      reason: expect.stringMatching(/another cleanup/),
    })

    await engine.stop()
    await service.reconnect()
    const unreachable = await service.automation.runNow('schedule')
    expect(unreachable).toMatchObject({
      outcome: 'skipped',
      reason: expect.stringMatching(/could not be reached/),
    })
    engine = await startPrivateEngine('automation')
    const recent = (await call<{ recent: AutomaticRun[] }>('getAutomation')).recent
    expect(recent.slice(0, 2).map((entry) => entry.outcome)).toEqual(['skipped', 'skipped'])
  })
})

describe.skipIf(!probe.ok)('automatic cleanup with the real clock', () => {
  // One retry: on a loaded CI machine one run in about ten saw no scheduled run at all and no
  // reason recorded (the schedule armed past its minute, fixed above, is one cause found); the
  // failure message carries what automation recorded and when it would run next.
  it('runs a schedule set one minute ahead', { retry: 1, timeout: 180_000 }, async () => {
    const engine = await startPrivateEngine('automation-real')
    const db = join(tempDir('drydock-auto-real-'), 'log.sqlite')
    const service = new DrydockService({
      host: engine.host,
      transport: 'http',
      version: 'test',
      env: {},
      databasePath: db,
    })
    try {
      const [image] = await loadImages(engine.docker, [
        {
          tags: [],
          created: '2024-01-01T00:00:00Z',
          layers: [busyboxLayer(), { files: { '/real': 'real' } }],
        },
      ])
      // The next whole minute at least 10 s away: a minute that starts while Settings are being
      // saved would already be past when the schedule is armed, and so be tomorrow's.
      const soon = new Date(Date.now() + 10_000)
      soon.setSeconds(60, 0)
      const time = `${String(soon.getHours()).padStart(2, '0')}:${String(soon.getMinutes()).padStart(2, '0')}`
      await service.updateSettings({
        automation: {
          enabled: true,
          schedule: { kind: 'daily', time },
          onAlert: false,
          policy: { kind: 'default' },
        },
      })
      const stop = service.startSampling()
      const armedAt = service.automation.nextAt()?.toISOString() ?? null
      const runs = await until(
        async () => service.listRuns({ limit: 5, triggers: ['schedule'] }),
        (list) => list.length === 1 && list[0]!.status === 'done',
        130_000,
      )
      stop()
      // What automation recorded and when it would run next say why, should the run be missing.
      const why = JSON.stringify({
        time,
        armedAt,
        nextAt: service.automation.nextAt()?.toISOString() ?? null,
        connection: service.connections.peek().status,
        recent: (await service.automation.status()).recent,
      })
      expect(runs[0], why).toMatchObject({
        trigger: 'schedule',
        status: 'done',
      })
      await expect(engine.docker.getImage(image!.id).inspect()).rejects.toMatchObject({
        statusCode: 404,
      })
    } finally {
      service.close()
      await engine.stop()
    }
  })
})
