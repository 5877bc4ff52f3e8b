/**
 * The Settings form's values (what the inputs hold, as typed) and the way to a SettingsPatch:
 * sizes and numbers are read here, then SettingsPatchSchema checks everything and its messages
 * are put next to the fields they concern.
 */
import type { z } from 'zod'
import {
  DEFAULT_SETTINGS,
  SettingsPatchSchema,
  type AutomaticPolicy,
  type DefaultPolicy,
  type Schedule,
  type Settings,
  type SettingsPatch,
} from '../../../shared/settings'
import { formatSizeInput, parseSize } from '../../../shared/size'

export interface FormValues {
  /** Empty: automatic. */
  host: string
  alertsEnabled: boolean
  freeBelowPercent: string
  freeBelowSize: string
  usageAbovePercent: string
  usageAboveSize: string
  samplingIntervalMinutes: string
  protectedPatterns: string[]
  protectedLabels: string[]
  policyKind: DefaultPolicy['kind']
  policyDays: string
  policyCount: string
  /** The other kinds "Clean up safely" removes (Settings' defaultPolicyKinds). */
  policyStoppedContainers: boolean
  policyBuildCache: boolean
  policyUnusedVolumes: boolean
  /** Automatic cleanup (Settings' automation). */
  automationEnabled: boolean
  automationSchedule: Schedule['kind']
  /** `HH:MM`, local. */
  automationTime: string
  /** 0 (Sunday) to 6, as text for the select. */
  automationDay: string
  automationOnAlert: boolean
  automationPolicy: AutomaticPolicy['kind']
  /** The target size as typed ("20 GB"). */
  automationTargetSize: string
  /** Not edited here (the engine switcher's "Follow in background"): carried so the form turns
   * back into whole settings. */
  followedEngines: string[]
  startAtLogin: boolean
  startHidden: boolean
  closeToTray: boolean
}

export type FieldName = keyof FormValues
/** Messages by field; `form` for one that belongs to no field (not expected, but not lost). */
export type FieldErrors = Partial<Record<FieldName | 'form', string>>

/** The order fields appear in on the page: the first with an error gets focus. */
export const FIELD_ORDER: FieldName[] = [
  'host',
  'alertsEnabled',
  'freeBelowPercent',
  'freeBelowSize',
  'usageAbovePercent',
  'usageAboveSize',
  'samplingIntervalMinutes',
  'protectedPatterns',
  'protectedLabels',
  'policyKind',
  'policyDays',
  'policyCount',
  'policyStoppedContainers',
  'policyBuildCache',
  'policyUnusedVolumes',
  'automationEnabled',
  'automationSchedule',
  'automationDay',
  'automationTime',
  'automationOnAlert',
  'automationPolicy',
  'automationTargetSize',
  'startAtLogin',
  'startHidden',
  'closeToTray',
]

const numberText = (value: number | null): string => (value === null ? '' : String(value))

export function settingsToForm(settings: Settings): FormValues {
  const policy = settings.defaultPolicy
  return {
    host: settings.host ?? '',
    alertsEnabled: settings.alerts.enabled,
    freeBelowPercent: numberText(settings.alerts.freeBelowPercent),
    freeBelowSize: formatSizeInput(settings.alerts.freeBelowBytes),
    usageAbovePercent: numberText(settings.alerts.usageAbovePercent),
    usageAboveSize: formatSizeInput(settings.alerts.usageAboveBytes),
    samplingIntervalMinutes: String(settings.samplingIntervalMinutes),
    protectedPatterns: [...settings.protectedPatterns],
    protectedLabels: [...settings.protectedLabels],
    policyKind: policy.kind,
    policyDays: policy.kind === 'unused-older-than' ? String(policy.days) : '30',
    policyCount: policy.kind === 'keep-last' ? String(policy.count) : '3',
    policyStoppedContainers: settings.defaultPolicyKinds.stoppedContainers,
    policyBuildCache: settings.defaultPolicyKinds.buildCache,
    policyUnusedVolumes: settings.defaultPolicyKinds.unusedVolumes,
    ...automationToForm(settings.automation),
    followedEngines: [...settings.followedEngines],
    startAtLogin: settings.startAtLogin,
    startHidden: settings.startHidden,
    closeToTray: settings.closeToTray,
  }
}

function automationToForm(automation: Settings['automation']) {
  const { schedule, policy } = automation
  // A schedule turned off keeps the time and day it would use when turned on again.
  const fallback = DEFAULT_SETTINGS.automation.schedule as { time: string }
  return {
    automationEnabled: automation.enabled,
    automationSchedule: schedule.kind,
    automationTime: schedule.kind === 'off' ? fallback.time : schedule.time,
    automationDay: schedule.kind === 'weekly' ? String(schedule.day) : '0',
    automationOnAlert: automation.onAlert,
    automationPolicy: policy.kind,
    automationTargetSize: policy.kind === 'target-size' ? formatSizeInput(policy.bytes) : '',
  }
}

type NumberResult = { ok: true; value: number | null } | { ok: false; message: string }

/** A number as typed; empty is null (optional fields) or "required". */
function readNumber(text: string, required: boolean): NumberResult {
  const trimmed = text.trim()
  if (trimmed === '') {
    return required ? { ok: false, message: 'Required.' } : { ok: true, value: null }
  }
  const value = Number(trimmed.replace(',', '.'))
  if (!Number.isFinite(value)) return { ok: false, message: 'Enter a number.' }
  return { ok: true, value }
}

/** Where a schema issue belongs on the page. */
function fieldOf(path: readonly PropertyKey[]): FieldName | null {
  const [first, second] = path
  switch (first) {
    case 'host':
    case 'samplingIntervalMinutes':
    case 'protectedPatterns':
    case 'protectedLabels':
    case 'startAtLogin':
    case 'startHidden':
    case 'closeToTray':
      return first
    case 'alerts':
      switch (second) {
        case 'enabled':
          return 'alertsEnabled'
        case 'freeBelowPercent':
        case 'usageAbovePercent':
          return second
        case 'freeBelowBytes':
          return 'freeBelowSize'
        case 'usageAboveBytes':
          return 'usageAboveSize'
      }
      return null
    case 'defaultPolicy':
      return second === 'days' ? 'policyDays' : second === 'count' ? 'policyCount' : 'policyKind'
    case 'defaultPolicyKinds':
      return second === 'stoppedContainers'
        ? 'policyStoppedContainers'
        : second === 'buildCache'
          ? 'policyBuildCache'
          : second === 'unusedVolumes'
            ? 'policyUnusedVolumes'
            : null
    case 'automation':
      return automationField(path.slice(1))
  }
  return null
}

function automationField([first, second]: readonly PropertyKey[]): FieldName {
  switch (first) {
    case 'enabled':
      return 'automationEnabled'
    case 'onAlert':
      return 'automationOnAlert'
    case 'schedule':
      return second === 'time'
        ? 'automationTime'
        : second === 'day'
          ? 'automationDay'
          : 'automationSchedule'
    case 'policy':
      return second === 'bytes' ? 'automationTargetSize' : 'automationPolicy'
  }
  return 'automationEnabled'
}

/** The schema's message, naming the list entry it is about. */
function messageOf(issue: z.core.$ZodIssue, form: FormValues): string {
  const [first, index] = issue.path
  if ((first === 'protectedPatterns' || first === 'protectedLabels') && typeof index === 'number') {
    const entry = form[first][index]
    return `“${entry ?? ''}”: ${issue.message}`
  }
  return issue.message
}

export type FormResult = { ok: true; patch: SettingsPatch } | { ok: false; errors: FieldErrors }

export function formToPatch(form: FormValues): FormResult {
  const errors: FieldErrors = {}
  const number = (field: FieldName, text: string, required: boolean): number | null => {
    const result = readNumber(text, required)
    if (!result.ok) {
      errors[field] = result.message
      return null
    }
    return result.value
  }
  const size = (field: FieldName, text: string): number | null => {
    const result = parseSize(text)
    if (!result.ok) {
      errors[field] = result.message
      return null
    }
    return result.bytes
  }

  const policy =
    form.policyKind === 'dangling'
      ? { kind: 'dangling' as const }
      : form.policyKind === 'unused-older-than'
        ? { kind: form.policyKind, days: number('policyDays', form.policyDays, true) }
        : { kind: form.policyKind, count: number('policyCount', form.policyCount, true) }

  const time = form.automationTime.trim()
  const schedule =
    form.automationSchedule === 'off'
      ? { kind: 'off' as const }
      : form.automationSchedule === 'daily'
        ? { kind: 'daily' as const, time }
        : { kind: 'weekly' as const, day: Number(form.automationDay), time }
  let automaticPolicy: unknown = { kind: form.automationPolicy }
  if (form.automationPolicy === 'target-size') {
    const bytes = size('automationTargetSize', form.automationTargetSize)
    if (bytes === null) errors.automationTargetSize ??= 'Required: a size such as 20 GB.'
    else if (bytes === 0) errors.automationTargetSize = 'Enter a size above 0 B.'
    automaticPolicy = { kind: 'target-size', bytes }
  }

  const candidate = {
    host: form.host.trim() === '' ? null : form.host.trim(),
    alerts: {
      enabled: form.alertsEnabled,
      freeBelowPercent: number('freeBelowPercent', form.freeBelowPercent, false),
      freeBelowBytes: size('freeBelowSize', form.freeBelowSize),
      usageAbovePercent: number('usageAbovePercent', form.usageAbovePercent, false),
      usageAboveBytes: size('usageAboveSize', form.usageAboveSize),
    },
    samplingIntervalMinutes: number('samplingIntervalMinutes', form.samplingIntervalMinutes, true),
    protectedPatterns: form.protectedPatterns,
    protectedLabels: form.protectedLabels,
    defaultPolicy: policy,
    defaultPolicyKinds: {
      stoppedContainers: form.policyStoppedContainers,
      buildCache: form.policyBuildCache,
      unusedVolumes: form.policyUnusedVolumes,
    },
    automation: {
      enabled: form.automationEnabled,
      schedule,
      onAlert: form.automationOnAlert,
      policy: automaticPolicy,
    },
    followedEngines: form.followedEngines,
    startAtLogin: form.startAtLogin,
    startHidden: form.startHidden,
    closeToTray: form.closeToTray,
  }

  const parsed = SettingsPatchSchema.safeParse(candidate)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = fieldOf(issue.path) ?? 'form'
      // A field that failed to read already says why; the schema's "expected number" adds nothing.
      errors[field] ??= messageOf(issue, form)
    }
  }
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors }
  return { ok: true, patch: parsed.data }
}

/**
 * Only what the form changed from the settings it started from (nested alerts and policy kinds:
 * only the changed entries), so saving does not overwrite what was changed elsewhere meanwhile
 * (Images -> Protect in another window, the tray).
 */
export function changedSettings(saved: Settings, patch: SettingsPatch): SettingsPatch {
  const changed: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'alerts' || key === 'defaultPolicyKinds' || value === undefined) continue
    if (!sameValue(value, saved[key as keyof Settings])) changed[key] = value
  }
  const nested = <K extends 'alerts' | 'defaultPolicyKinds'>(key: K) =>
    Object.fromEntries(
      Object.entries(patch[key] ?? {}).filter(
        ([name, value]) =>
          value !== undefined && !sameValue(value, (saved[key] as Record<string, unknown>)[name]),
      ),
    )
  for (const key of ['alerts', 'defaultPolicyKinds'] as const) {
    const entries = nested(key)
    if (Object.keys(entries).length > 0) changed[key] = entries
  }
  return changed as SettingsPatch
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

export function sameForm(a: FormValues, b: FormValues): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}
