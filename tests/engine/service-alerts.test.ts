/**
 * The service's sampler feeds the disk monitor: one alert event per crossing, none while it
 * stays crossed, a clearing once usage is back under the threshold, and the state kept in the log.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { DrydockService } from '../../src/core/service'
import type { Alert } from '../../src/shared/monitor'
import { requireTestEngine } from '../support/test-engine'

const engine = await requireTestEngine()

describe.skipIf(engine.skip)('alerts from the service’s samples', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-alerts-'))
  const db = join(dir, 'drydock.db')
  const open = () =>
    new DrydockService({
      host: engine.host,
      transport: 'in-process',
      version: 'test',
      env: {},
      databasePath: db,
    })
  const service = open()
  const alerts: Alert[] = []
  service.subscribe((event) => {
    if (event.name === 'alert') alerts.push(event.payload)
  })

  afterAll(() => {
    service.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('raises once on crossing, not again while crossed, and clears on recovery', async () => {
    // A local engine's filesystem always has less than 100% free: the crossing is certain.
    await service.updateSettings({
      alerts: {
        enabled: true,
        freeBelowPercent: 100,
        freeBelowBytes: null,
        usageAbovePercent: null,
        usageAboveBytes: null,
      },
    })
    await service.sampleUsage()
    await service.sampleUsage()
    expect(alerts).toEqual([
      expect.objectContaining({ kind: 'free-space', clearedAt: null, engineHost: engine.host }),
    ])
    expect(alerts[0]!.message).toMatch(/free/)
    expect((await service.getMonitorState()).active).toHaveLength(1)

    // Another process on the same log (the app restarted) does not raise it again.
    const restarted = open()
    const again: Alert[] = []
    restarted.subscribe((event) => {
      if (event.name === 'alert') again.push(event.payload)
    })
    await restarted.sampleUsage()
    restarted.close()
    expect(again).toEqual([])

    await service.updateSettings({ alerts: { freeBelowPercent: null } })
    await service.sampleUsage()
    expect(alerts).toHaveLength(2)
    expect(alerts[1]).toMatchObject({ id: alerts[0]!.id, clearedAt: expect.any(String) })
    expect((await service.getMonitorState()).active).toEqual([])
  })

  it('snoozes notifications until a time, and ends the snooze', async () => {
    const until = new Date(Date.now() + 3_600_000).toISOString()
    expect((await service.snoozeAlerts({ until })).snoozedUntil).toBe(until)
    expect((await service.snoozeAlerts({ until: null })).snoozedUntil).toBeNull()
  })
})
