/** Settings through the service: validation before saving, persistence, following the host. */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DrydockService } from '../../src/core/service'
import { DEFAULT_SETTINGS } from '../../src/shared/settings'
import { tempDir } from '../support/temp-dir'

function service(databasePath: string | null, hostFromSettings = false): DrydockService {
  return new DrydockService({
    transport: 'in-process',
    version: 'test',
    env: {},
    databasePath,
    hostFromSettings,
  })
}

describe('settings through the service', () => {
  it('reads the defaults when there is no log, and refuses to save without one', async () => {
    const core = service(null)
    expect(await core.getSettings()).toEqual(DEFAULT_SETTINGS)
    await expect(core.updateSettings({ samplingIntervalMinutes: 5 })).rejects.toMatchObject({
      code: 'log-unusable',
    })
    core.close()
  })

  it('refuses an unusable host with the reason and saves nothing', async () => {
    const db = join(tempDir(), 'drydock.db')
    const core = service(db)
    await expect(core.updateSettings({ host: 'not a url' })).rejects.toMatchObject({
      code: 'invalid-host',
      message: expect.stringContaining('"not a url" is not a usable Docker host'),
    })
    expect((await core.getSettings()).host).toBeNull()
    core.close()
  })

  it('keeps a saved change for the next process, and that process connects to the saved host', async () => {
    const db = join(tempDir(), 'drydock.db')
    const first = service(db)
    const saved = await first.updateSettings({
      host: 'unix:///tmp/drydock-settings-test.sock',
      alerts: { freeBelowPercent: 20 },
    })
    expect(saved.alerts).toEqual({ ...DEFAULT_SETTINGS.alerts, freeBelowPercent: 20 })
    first.close()

    const second = service(db, true)
    const state = await second.getConnection()
    expect(state).toMatchObject({
      status: 'unreachable',
      host: 'unix:///tmp/drydock-settings-test.sock',
    })
    second.close()
  })
})
