import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { openDatabase } from '../../src/core/store/database'
import { SettingsStore } from '../../src/core/store/settings-store'
import { DEFAULT_SETTINGS } from '../../src/shared/settings'
import { tempDir } from '../support/temp-dir'

function openSettings(path = join(tempDir(), 'drydock.sqlite')) {
  const opened = openDatabase(path)
  onTestFinished(() => opened.close())
  return { ...opened, settings: new SettingsStore(opened.db) }
}

/** Stores a value as another version of Drydock (or a hand edit) might have left it. */
function storeRaw(db: ReturnType<typeof openSettings>['db'], valueJson: string): void {
  db.prepare(
    `INSERT INTO settings (key, value_json) VALUES ('settings', ?)
     ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json`,
  ).run(valueJson)
}

describe('SettingsStore', () => {
  it('reads the defaults from an empty log', () => {
    const { settings } = openSettings()
    expect(settings.get()).toEqual(DEFAULT_SETTINGS)
  })

  it('merges a patch into the nested alerts and keeps it across reopening', () => {
    const path = join(tempDir(), 'drydock.sqlite')
    const first = openSettings(path)
    const afterAlerts = first.settings.update({ alerts: { freeBelowPercent: 5 } })
    expect(afterAlerts.alerts).toEqual({ ...DEFAULT_SETTINGS.alerts, freeBelowPercent: 5 })

    const afterMore = first.settings.update({
      samplingIntervalMinutes: 30,
      alerts: { usageAboveBytes: 80_000_000_000, enabled: false },
    })
    expect(afterMore).toEqual({
      ...DEFAULT_SETTINGS,
      samplingIntervalMinutes: 30,
      alerts: {
        ...DEFAULT_SETTINGS.alerts,
        enabled: false,
        freeBelowPercent: 5,
        usageAboveBytes: 80_000_000_000,
      },
    })
    first.close()

    expect(openSettings(path).settings.get()).toEqual(afterMore)
  })

  it('replaces a list and clears a nullable threshold, rather than merging them', () => {
    const { settings } = openSettings()
    settings.update({ protectedPatterns: ['postgres:*', 'redis:*'] })
    const next = settings.update({
      protectedPatterns: ['mysql:8'],
      alerts: { freeBelowBytes: null },
    })
    expect(next.protectedPatterns).toEqual(['mysql:8'])
    expect(next.alerts.freeBelowBytes).toBeNull()
    expect(settings.get()).toEqual(next)
  })

  it('refuses a patch that would store an invalid value, and keeps the stored settings', () => {
    const { settings } = openSettings()
    settings.update({ samplingIntervalMinutes: 30 })
    expect(() => settings.update({ samplingIntervalMinutes: 0 })).toThrow()
    expect(settings.get().samplingIntervalMinutes).toBe(30)
  })

  it('falls back to the default for an invalid stored field, keeping every other field', () => {
    const { db, settings } = openSettings()
    storeRaw(
      db,
      JSON.stringify({
        ...DEFAULT_SETTINGS,
        samplingIntervalMinutes: 0, // out of range
        defaultPolicy: { kind: 'sometimes' }, // unknown kind
        protectedPatterns: ['postgres:*'],
        closeToTray: false,
        alerts: { ...DEFAULT_SETTINGS.alerts, freeBelowPercent: 3 },
        retiredSetting: 'from an older version',
      }),
    )
    expect(settings.get()).toEqual({
      ...DEFAULT_SETTINGS,
      protectedPatterns: ['postgres:*'],
      closeToTray: false,
      alerts: { ...DEFAULT_SETTINGS.alerts, freeBelowPercent: 3 },
    })
  })

  it('falls back for an invalid alert threshold without losing the other thresholds', () => {
    const { db, settings } = openSettings()
    storeRaw(
      db,
      JSON.stringify({
        ...DEFAULT_SETTINGS,
        alerts: { ...DEFAULT_SETTINGS.alerts, enabled: false, freeBelowPercent: 500 },
      }),
    )
    expect(settings.get().alerts).toEqual({ ...DEFAULT_SETTINGS.alerts, enabled: false })
  })

  it('gives a setting missing from an older file its default', () => {
    const { db, settings } = openSettings()
    storeRaw(db, JSON.stringify({ protectedLabels: ['keep'], alerts: { enabled: false } }))
    expect(settings.get()).toEqual({
      ...DEFAULT_SETTINGS,
      protectedLabels: ['keep'],
      alerts: { ...DEFAULT_SETTINGS.alerts, enabled: false },
    })
  })

  it('reads the defaults when the stored value is not JSON or not an object, and can save again', () => {
    const { db, settings } = openSettings()
    for (const damaged of ['{"host": "unix:///x.sock"', 'not json at all', '42', 'null', '""']) {
      storeRaw(db, damaged)
      expect(settings.get(), damaged).toEqual(DEFAULT_SETTINGS)
    }
    expect(settings.update({ startHidden: true })).toEqual({
      ...DEFAULT_SETTINGS,
      startHidden: true,
    })
    expect(settings.get().startHidden).toBe(true)
  })
})
