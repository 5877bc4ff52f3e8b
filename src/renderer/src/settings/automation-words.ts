/** Automatic cleanup in words: its schedule, its policy, when it runs next and what it did. */
import type { AutomaticRun, AutomationStatus } from '../../../shared/automation'
import { formatBytes } from '../../../shared/format'
import type { Automation, AutomaticPolicy, Schedule } from '../../../shared/settings'
import { plural } from '../describe'

/** Date.getDay() order: 0 is Sunday. */
export const DAY_NAMES = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
] as const

export function describeSchedule(schedule: Schedule): string {
  switch (schedule.kind) {
    case 'off':
      return 'No schedule'
    case 'daily':
      return `Every day at ${schedule.time}`
    case 'weekly':
      return `Every ${DAY_NAMES[schedule.day]} at ${schedule.time}`
  }
}

export function describeAutomaticPolicy(policy: AutomaticPolicy): string {
  switch (policy.kind) {
    case 'default':
      return 'Clean up safely (the policy above)'
    case 'target-size':
      return `Keep images and build cache under ${formatBytes(policy.bytes)}, least recently used first`
    case 'system':
      return 'What docker system prune removes'
  }
}

function sameDay(a: Date, b: Date): boolean {
  return (
    a.getFullYear() === b.getFullYear() &&
    a.getMonth() === b.getMonth() &&
    a.getDate() === b.getDate()
  )
}

/** "today at 03:30", "tomorrow at 03:30", "on Sunday 16 March at 03:30" (the user's locale). */
export function describeWhen(iso: string, now: Date): string {
  const at = new Date(iso)
  const time = at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
  if (sameDay(at, now)) return `today at ${time}`
  const tomorrow = new Date(now)
  tomorrow.setDate(tomorrow.getDate() + 1)
  if (sameDay(at, tomorrow)) return `tomorrow at ${time}`
  const day = at.toLocaleDateString(undefined, { weekday: 'long', month: 'short', day: 'numeric' })
  return `on ${day} at ${time}`
}

/** "would remove 3 items, 1.20 GB now", or why that is not known. */
export function describeWouldRemove(status: AutomationStatus): string {
  if (status.wouldRemove === null) {
    return status.previewError
      ? `what it would remove now is not known: ${status.previewError}`
      : 'what it would remove now is not known'
  }
  if (status.wouldRemove.items === 0) return 'would remove nothing now'
  return `would remove ${plural(status.wouldRemove.items, 'item')}, ${formatBytes(status.wouldRemove.bytes)} now`
}

/**
 * The line Settings shows: "Next automatic cleanup: tomorrow at 03:30 — would remove 3 items,
 * 1.20 GB now". Null `when` means nothing would start one (off, or on with nothing to start it).
 */
export function nextCleanupLine(
  status: AutomationStatus,
  automation: Automation,
  now: Date,
): { when: string | null; text: string } {
  if (!status.enabled) return { when: null, text: 'Automatic cleanup is off.' }
  let when: string
  if (status.nextAt !== null) {
    when = describeWhen(status.nextAt, now)
    if (automation.onAlert) when += ', or sooner on a low-disk alert'
  } else if (automation.onAlert) {
    when = 'when a low-disk alert is raised'
  } else {
    return {
      when: null,
      text: 'Automatic cleanup is on, but nothing starts it: choose a schedule or a low-disk alert.',
    }
  }
  return { when, text: `Next automatic cleanup: ${when} — ${describeWouldRemove(status)}` }
}

export const AUTOMATIC_TRIGGER_LABELS: Record<AutomaticRun['trigger'], string> = {
  schedule: 'Schedule',
  threshold: 'Low disk',
}

export const AUTOMATIC_OUTCOME_LABELS: Record<AutomaticRun['outcome'], string> = {
  started: 'Ran',
  skipped: 'Skipped',
  'nothing-to-do': 'Nothing to do',
  failed: 'Failed',
}

export function automaticOutcomeTone(outcome: AutomaticRun['outcome']): 'ok' | 'warn' | 'danger' {
  return outcome === 'started' || outcome === 'nothing-to-do'
    ? 'ok'
    : outcome === 'skipped'
      ? 'warn'
      : 'danger'
}

/** The log's reason, with its byte counts written as sizes ("123456789 bytes" → "123 MB"). */
export function readableReason(reason: string): string {
  const text = reason.replace(/\b(\d+) bytes\b/g, (_, digits: string) =>
    formatBytes(Number(digits)),
  )
  return text.charAt(0).toUpperCase() + text.slice(1)
}
