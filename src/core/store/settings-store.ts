/**
 * The user's settings, one JSON row. Read over the defaults, so a setting added in a later
 * version has its default until changed, and a value that no longer validates falls back to its
 * default instead of making every read fail.
 */
import type BetterSqlite3 from 'better-sqlite3'
import {
  AlertThresholdsSchema,
  applySettingsPatch,
  DEFAULT_SETTINGS,
  PolicyKindsSchema,
  SettingsSchema,
  type Settings,
  type SettingsPatch,
} from '../../shared/settings'
import { withStoreErrors } from './errors'

const KEY = 'settings'
/** Set when a corrupt log was replaced, until the user has seen it (the settings were lost). */
const RECOVERY_KEY = 'log-recovered'

/** Threshold by threshold, like the settings themselves: one bad value costs only itself. */
function readAlerts(stored: unknown): Settings['alerts'] {
  const alerts: Record<string, unknown> = { ...DEFAULT_SETTINGS.alerts }
  if (typeof stored !== 'object' || stored === null) return DEFAULT_SETTINGS.alerts
  const shape = AlertThresholdsSchema.shape
  for (const [key, value] of Object.entries(stored)) {
    if (!(key in shape)) continue
    const parsed = shape[key as keyof typeof shape].safeParse(value)
    if (parsed.success) alerts[key] = parsed.data
  }
  return alerts as Settings['alerts']
}

export class SettingsStore {
  private readonly select: BetterSqlite3.Statement<[string], { value_json: string }>
  private readonly upsert: BetterSqlite3.Statement<[string, string]>

  constructor(private readonly db: BetterSqlite3.Database) {
    this.select = db.prepare('SELECT value_json FROM settings WHERE key = ?')
    this.upsert = db.prepare(
      'INSERT INTO settings (key, value_json) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json',
    )
  }

  get(): Settings {
    const row = withStoreErrors(this.db, () => this.select.get(KEY))
    if (!row) return DEFAULT_SETTINGS
    let stored: unknown
    try {
      stored = JSON.parse(row.value_json)
    } catch {
      return DEFAULT_SETTINGS
    }
    if (typeof stored !== 'object' || stored === null) return DEFAULT_SETTINGS
    // Field by field: one bad value costs that value, not the rest.
    const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS }
    const shape = SettingsSchema.shape
    for (const [key, value] of Object.entries(stored)) {
      if (!(key in shape)) continue
      const field = shape[key as keyof typeof shape]
      if (key === 'alerts') {
        merged[key] = readAlerts(value)
        continue
      }
      if (key === 'protectedPatterns' || key === 'protectedLabels') {
        // Protection fails closed: one damaged entry costs that entry, never the whole list.
        const element = shape[key].element
        merged[key] = Array.isArray(value)
          ? value.flatMap((entry) => {
              const parsed = element.safeParse(entry)
              return parsed.success ? [parsed.data] : []
            })
          : DEFAULT_SETTINGS[key]
        continue
      }
      if (key === 'defaultPolicyKinds') {
        const kinds = PolicyKindsSchema.partial().safeParse(value)
        merged[key] = {
          ...DEFAULT_SETTINGS.defaultPolicyKinds,
          ...(kinds.success ? kinds.data : {}),
        }
        continue
      }
      const parsed = field.safeParse(value)
      if (parsed.success) merged[key] = parsed.data
    }
    return merged as Settings
  }

  /** A log moved aside whose loss the user has not acknowledged yet; null when none. */
  recovery(): { movedTo: string } | null {
    const row = withStoreErrors(this.db, () => this.select.get(RECOVERY_KEY))
    try {
      const value = row ? (JSON.parse(row.value_json) as { movedTo?: unknown }) : null
      return typeof value?.movedTo === 'string' ? { movedTo: value.movedTo } : null
    } catch {
      return { movedTo: '(unreadable)' } // fail closed: a damaged mark still holds
    }
  }

  setRecovery(recovery: { movedTo: string } | null): void {
    withStoreErrors(this.db, () =>
      recovery
        ? this.upsert.run(RECOVERY_KEY, JSON.stringify(recovery))
        : this.db.prepare('DELETE FROM settings WHERE key = ?').run(RECOVERY_KEY),
    )
  }

  /** Applies an already-validated patch and returns the whole new settings. */
  update(patch: SettingsPatch): Settings {
    const next = SettingsSchema.parse(applySettingsPatch(this.get(), patch))
    withStoreErrors(this.db, () => this.upsert.run(KEY, JSON.stringify(next)))
    return next
  }
}
