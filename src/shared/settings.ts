/**
 * The user's settings: what the desktop app's Settings page edits, what the monitor, the tray and
 * one-click cleanup read. Stored in the log database so the app and the CLI agree.
 */
import { z } from 'zod'
import { lazySchema } from './lazy-schema'
import type { SelectionInput } from './cleanup'

export { defaultPolicySelection, describePolicy } from './default-policy'

const GB = 1_000_000_000

const LabelSelector = lazySchema(() =>
  z.string().regex(/^[^=\s]+(=.*)?$/, 'expected KEY or KEY=VALUE'),
)

/** What "Clean up safely" does. Never forced: a safe cleanup removes only what nothing uses. */
export const DefaultPolicySchema = lazySchema(() =>
  z.discriminatedUnion('kind', [
    /** Untagged images nothing uses: always safe, frees build leftovers. */
    z.strictObject({ kind: z.literal('dangling') }),
    /** Images no container uses, built (or last used, when known) more than N days ago. */
    z.strictObject({
      kind: z.literal('unused-older-than'),
      days: z.number().int().min(1).max(3650),
    }),
    /** Keep the N newest tags of each repository; older tags no container uses go. */
    z.strictObject({ kind: z.literal('keep-last'), count: z.number().int().min(1).max(1000) }),
  ]),
)

export const AlertThresholdsSchema = lazySchema(() =>
  z.strictObject({
    enabled: z.boolean(),
    /** Alert when the data root's filesystem has less than this share free (local engines). */
    freeBelowPercent: z.number().min(0).max(100).nullable(),
    /** ... or less than this many bytes free. */
    freeBelowBytes: z.number().int().nonnegative().nullable(),
    /** Alert when Docker's own usage exceeds this share of the filesystem (local engines). */
    usageAbovePercent: z.number().min(0).max(100).nullable(),
    /** ... or this many bytes (any engine). */
    usageAboveBytes: z.number().int().nonnegative().nullable(),
  }),
)

/** What "Clean up safely" removes besides images: each kind opted into. Named volumes never. */
export const PolicyKindsSchema = lazySchema(() =>
  z.strictObject({
    /** Containers that are not running (their writable layers and logs). */
    stoppedContainers: z.boolean(),
    /** Build cache records no build is using. */
    buildCache: z.boolean(),
    /** Anonymous volumes no container mounts. */
    unusedVolumes: z.boolean(),
  }),
)

const ClockTime = lazySchema(() =>
  z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time such as 03:30'),
)

/** When automatic cleanup runs on its own: never, daily at a time, or weekly on a day. */
export const ScheduleSchema = lazySchema(() =>
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('off') }),
    z.strictObject({ kind: z.literal('daily'), time: ClockTime }),
    /** `day`: 0 is Sunday, as Date.getDay(). */
    z.strictObject({
      kind: z.literal('weekly'),
      day: z.number().int().min(0).max(6),
      time: ClockTime,
    }),
  ]),
)

/** What an automatic cleanup runs. Never forced. */
export const AutomaticPolicySchema = lazySchema(() =>
  z.discriminatedUnion('kind', [
    /** "Clean up safely": the default policy and its kinds. */
    z.strictObject({ kind: z.literal('default') }),
    /** Least recently used images and build cache until Docker takes at most `bytes`. */
    z.strictObject({ kind: z.literal('target-size'), bytes: z.number().int().positive() }),
    /** What `docker system prune` removes. */
    z.strictObject({ kind: z.literal('system') }),
  ]),
)

/** Cleanup that runs itself: off by default; every run previewable and in the log. */
export const AutomationSchema = lazySchema(() =>
  z.strictObject({
    enabled: z.boolean(),
    schedule: ScheduleSchema,
    /** Also run when a low-disk alert is raised. */
    onAlert: z.boolean(),
    policy: AutomaticPolicySchema,
  }),
)

export const SettingsSchema = lazySchema(() =>
  z.strictObject({
    /** The engine host; null means DOCKER_HOST, then the docker context, then the default. */
    host: z.string().trim().min(1).nullable(),
    alerts: AlertThresholdsSchema,
    /** Engines sampled (usage history, alerts) besides the current one: several at once. */
    followedEngines: z.array(z.string().trim().min(1)).max(16),
    /** How often disk usage is sampled for the history charts and the monitor. */
    samplingIntervalMinutes: z.number().int().min(1).max(1440),
    /** References (globs such as `postgres:*`) and image IDs no cleanup ever touches. At most
     * 1,024 characters each (a reference is at most 255 plus tag or digest): a longer glob cannot
     * be matched (the RegExp is too large to run) and would break every plan. */
    protectedPatterns: z.array(
      z.string().trim().min(1).max(1024, 'a protected pattern is at most 1,024 characters'),
    ),
    /** Labels (`KEY` or `KEY=VALUE`) that protect an image. */
    protectedLabels: z.array(LabelSelector),
    defaultPolicy: DefaultPolicySchema,
    /** The other kinds the default policy cleans. */
    defaultPolicyKinds: PolicyKindsSchema,
    automation: AutomationSchema,
    startAtLogin: z.boolean(),
    startHidden: z.boolean(),
    /** Closing the window keeps Drydock in the tray instead of quitting. */
    closeToTray: z.boolean(),
  }),
)

/** Any subset of the settings; nested `alerts` may be partial too. */
export const SettingsPatchSchema = lazySchema(() =>
  SettingsSchema.extend({
    alerts: AlertThresholdsSchema.partial(),
    defaultPolicyKinds: PolicyKindsSchema.partial(),
  }).partial(),
)

export type DefaultPolicy = z.infer<typeof DefaultPolicySchema>
export type PolicyKinds = z.infer<typeof PolicyKindsSchema>
export type Schedule = z.infer<typeof ScheduleSchema>
export type AutomaticPolicy = z.infer<typeof AutomaticPolicySchema>
export type Automation = z.infer<typeof AutomationSchema>
export type AlertThresholds = z.infer<typeof AlertThresholdsSchema>
export type Settings = z.infer<typeof SettingsSchema>
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>

export const DEFAULT_SETTINGS: Settings = {
  host: null,
  alerts: {
    enabled: true,
    freeBelowPercent: 10,
    freeBelowBytes: 5 * GB,
    usageAbovePercent: null,
    usageAboveBytes: null,
  },
  followedEngines: [],
  samplingIntervalMinutes: 15,
  protectedPatterns: [],
  protectedLabels: [],
  defaultPolicy: { kind: 'dangling' },
  defaultPolicyKinds: { stoppedContainers: false, buildCache: false, unusedVolumes: false },
  automation: {
    enabled: false,
    schedule: { kind: 'daily', time: '03:30' },
    onAlert: false,
    policy: { kind: 'default' },
  },
  startAtLogin: false,
  startHidden: false,
  closeToTray: true,
}

/** Settings with a patch applied (nested alerts and kinds merged). */
export function applySettingsPatch(settings: Settings, patch: SettingsPatch): Settings {
  return {
    ...settings,
    ...patch,
    alerts: { ...settings.alerts, ...patch.alerts },
    defaultPolicyKinds: { ...settings.defaultPolicyKinds, ...patch.defaultPolicyKinds },
  } as Settings
}

/** The selection an automatic cleanup plans: never forced, whatever the policy. */
export function automaticSelection(policy: AutomaticPolicy): SelectionInput {
  switch (policy.kind) {
    case 'default':
      return { policy: 'default' }
    case 'target-size':
      return { targetSize: policy.bytes }
    case 'system':
      return { system: true }
  }
}

/** The next time a schedule is due after `after`, in the local time zone; null when off. */
export function nextScheduled(schedule: Schedule, after: Date): Date | null {
  if (schedule.kind === 'off') return null
  const [hours, minutes] = schedule.time.split(':').map(Number) as [number, number]
  const at = new Date(after)
  at.setHours(hours, minutes, 0, 0)
  if (schedule.kind === 'daily') {
    if (at <= after) at.setDate(at.getDate() + 1)
    return at
  }
  const days = (schedule.day - at.getDay() + 7) % 7
  at.setDate(at.getDate() + days)
  if (at <= after) at.setDate(at.getDate() + 7)
  return at
}
