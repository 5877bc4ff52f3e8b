/** Automatic cleanup in Settings: the schedule and policy in words, and the "next" line. */
import { describe, expect, it } from 'vitest'
import type { AutomationStatus } from '../../src/shared/automation'
import { DEFAULT_SETTINGS, type Automation } from '../../src/shared/settings'
import {
  describeAutomaticPolicy,
  describeSchedule,
  describeWhen,
  describeWouldRemove,
  nextCleanupLine,
  readableReason,
} from '../../src/renderer/src/settings/automation-words'
import { TRIGGER_LABELS } from '../../src/renderer/src/history/describe-run'
import { settingsToForm, formToPatch } from '../../src/renderer/src/settings/form'

const now = new Date(2025, 2, 10, 12, 0) // Monday 10 March 2025, 12:00 local
const on: Automation = { ...DEFAULT_SETTINGS.automation, enabled: true }
const status: AutomationStatus = {
  enabled: true,
  nextAt: new Date(2025, 2, 11, 3, 30).toISOString(),
  wouldRemove: { items: 3, bytes: 1_234_000_000 },
  previewError: null,
  recent: [],
}

describe('automatic cleanup in words', () => {
  it('describes the schedule and the policy', () => {
    expect(describeSchedule({ kind: 'off' })).toBe('No schedule')
    expect(describeSchedule({ kind: 'daily', time: '03:30' })).toBe('Every day at 03:30')
    expect(describeSchedule({ kind: 'weekly', day: 0, time: '22:00' })).toBe(
      'Every Sunday at 22:00',
    )
    expect(describeAutomaticPolicy({ kind: 'target-size', bytes: 20e9 })).toMatch(/under 20.0 GB/)
    expect(describeAutomaticPolicy({ kind: 'system' })).toBe('What docker system prune removes')
  })

  it('says today, tomorrow, or the day', () => {
    expect(describeWhen(new Date(2025, 2, 10, 18, 0).toISOString(), now)).toMatch(/^today at /)
    expect(describeWhen(new Date(2025, 2, 11, 3, 30).toISOString(), now)).toMatch(/^tomorrow at /)
    expect(describeWhen(new Date(2025, 2, 16, 3, 30).toISOString(), now)).toMatch(/^on .+ at /)
  })

  it('says when the next one runs and what it would remove now', () => {
    const line = nextCleanupLine(status, on, now)
    expect(line.text).toMatch(
      /^Next automatic cleanup: tomorrow at .+ — would remove 3 items, 1.23 GB now$/,
    )
    expect(nextCleanupLine(status, { ...on, onAlert: true }, now).text).toMatch(
      /tomorrow at .+, or sooner on a low-disk alert — /,
    )
  })

  it('without a schedule: on an alert only, or nothing starts it', () => {
    const noSchedule = { ...status, nextAt: null }
    const schedule = { kind: 'off' } as const
    expect(nextCleanupLine(noSchedule, { ...on, schedule, onAlert: true }, now).text).toBe(
      'Next automatic cleanup: when a low-disk alert is raised — would remove 3 items, 1.23 GB now',
    )
    expect(nextCleanupLine(noSchedule, { ...on, schedule }, now)).toEqual({
      when: null,
      text: 'Automatic cleanup is on, but nothing starts it: choose a schedule or a low-disk alert.',
    })
    expect(nextCleanupLine({ ...status, enabled: false }, on, now).text).toBe(
      'Automatic cleanup is off.',
    )
  })

  it('says when what it would remove is not known, and when it is nothing', () => {
    expect(
      describeWouldRemove({ ...status, wouldRemove: null, previewError: 'engine unreachable' }),
    ).toBe('what it would remove now is not known: engine unreachable')
    expect(describeWouldRemove({ ...status, wouldRemove: { items: 0, bytes: 0 } })).toBe(
      'would remove nothing now',
    )
  })

  it("writes the log's byte counts as sizes", () => {
    expect(readableReason('3 items, 1234000000 bytes predicted')).toBe('3 items, 1.23 GB predicted')
    expect(readableReason('the engine could not be reached')).toBe(
      'The engine could not be reached',
    )
  })

  it('labels automatic runs in History', () => {
    expect(TRIGGER_LABELS.schedule).toBe('Automatic (schedule)')
    expect(TRIGGER_LABELS.threshold).toBe('Automatic (low disk)')
  })
})

describe('the automation fields of the Settings form', () => {
  const form = settingsToForm(DEFAULT_SETTINGS)

  it('turns a weekly size-target schedule into settings and back', () => {
    const result = formToPatch({
      ...form,
      automationEnabled: true,
      automationSchedule: 'weekly',
      automationDay: '6',
      automationTime: '22:15',
      automationOnAlert: true,
      automationPolicy: 'target-size',
      automationTargetSize: '20 GB',
    })
    expect(result).toMatchObject({
      ok: true,
      patch: {
        automation: {
          enabled: true,
          schedule: { kind: 'weekly', day: 6, time: '22:15' },
          onAlert: true,
          policy: { kind: 'target-size', bytes: 20e9 },
        },
      },
    })
    if (!result.ok) return
    const back = settingsToForm({ ...DEFAULT_SETTINGS, automation: result.patch.automation! })
    expect(back.automationTargetSize).toBe('20 GB')
    expect(back.automationDay).toBe('6')
  })

  it('puts the messages on the automation fields', () => {
    const result = formToPatch({
      ...form,
      automationPolicy: 'target-size',
      automationTargetSize: '',
      automationTime: '25:00',
    })
    expect(result).toEqual({
      ok: false,
      errors: {
        automationTargetSize: 'Required: a size such as 20 GB.',
        automationTime: 'expected a time such as 03:30',
      },
    })
  })

  it('keeps the time of a schedule turned off', () => {
    const off = settingsToForm({
      ...DEFAULT_SETTINGS,
      automation: { ...DEFAULT_SETTINGS.automation, schedule: { kind: 'off' } },
    })
    expect([off.automationSchedule, off.automationTime]).toEqual(['off', '03:30'])
    expect(formToPatch(off)).toMatchObject({
      ok: true,
      patch: { automation: { schedule: { kind: 'off' } } },
    })
  })
})
