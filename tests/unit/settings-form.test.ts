/** The Settings page's reading of what people type: sizes, numbers, and the schema's messages. */
import { describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS } from '../../src/shared/settings'
import { changedSettings, formToPatch, settingsToForm } from '../../src/renderer/src/settings/form'
import { formatSizeInput, parseSize } from '../../src/shared/size'

describe('parseSize', () => {
  it.each([
    ['5 GB', 5e9],
    ['5GB', 5e9],
    ['1.5 tb', 1.5e12],
    ['2,5 GB', 2.5e9],
    ['500 MB', 5e8],
    ['10 kB', 1e4],
    ['2 GiB', 2 ** 31],
    ['5g', 5e9],
    ['0 B', 0],
  ])('reads %s', (text, bytes) => {
    expect(parseSize(text)).toEqual({ ok: true, bytes })
  })

  it('reads an empty box as "not set"', () => {
    expect(parseSize('  ')).toEqual({ ok: true, bytes: null })
  })

  it('asks for a unit rather than guessing one', () => {
    expect(parseSize('5')).toEqual({ ok: false, message: 'Add a unit: 5 B, kB, MB, GB or TB?' })
  })

  it('refuses what is not a size, saying why', () => {
    expect(parseSize('lots')).toMatchObject({ ok: false, message: expect.stringContaining('5 GB') })
    expect(parseSize('5 parsecs')).toMatchObject({
      ok: false,
      message: expect.stringContaining('“parsecs” is not a unit'),
    })
    expect(parseSize('-5 GB')).toMatchObject({ ok: false })
  })
})

describe('formatSizeInput', () => {
  it.each([
    [5e9, '5 GB'],
    [2.5e9, '2.5 GB'],
    [1_234_567, '1234.567 kB'],
    [1_234_000_000, '1.234 GB'],
    [999, '999 B'],
    [null, ''],
  ] as const)('writes %s as %s', (bytes, text) => {
    // Exact or not at all: what is written reads back as the same bytes.
    expect(formatSizeInput(bytes)).toBe(text)
  })

  it('round-trips through parseSize', () => {
    for (const bytes of [5e9, 2.5e9, 1_234_567, 7, 3_000_000_000_000]) {
      expect(parseSize(formatSizeInput(bytes))).toEqual({ ok: true, bytes })
    }
  })
})

describe('formToPatch', () => {
  const form = settingsToForm(DEFAULT_SETTINGS)

  it('turns the defaults back into the same settings', () => {
    expect(formToPatch(form)).toEqual({ ok: true, patch: DEFAULT_SETTINGS })
  })

  it('puts the schema’s messages on the fields they concern', () => {
    const result = formToPatch({
      ...form,
      freeBelowPercent: '150',
      samplingIntervalMinutes: '2.5',
      protectedLabels: ['ok=1', 'not a label'],
      policyKind: 'keep-last',
      policyCount: '0',
    })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.errors.freeBelowPercent).toMatch(/100/)
    expect(result.errors.samplingIntervalMinutes).toMatch(/int/i)
    expect(result.errors.protectedLabels).toBe('“not a label”: expected KEY or KEY=VALUE')
    expect(result.errors.policyCount).toMatch(/1/)
  })

  it('says a required number is missing and an unreadable one is not a number', () => {
    const result = formToPatch({ ...form, samplingIntervalMinutes: '', freeBelowPercent: 'ten' })
    expect(result).toEqual({
      ok: false,
      errors: { samplingIntervalMinutes: 'Required.', freeBelowPercent: 'Enter a number.' },
    })
  })

  it('reads an empty host as automatic and empty limits as not set', () => {
    const result = formToPatch({ ...form, host: '  ', freeBelowPercent: '', freeBelowSize: '' })
    expect(result).toMatchObject({
      ok: true,
      patch: { host: null, alerts: { freeBelowPercent: null, freeBelowBytes: null } },
    })
  })
})

describe('changedSettings', () => {
  const saved = DEFAULT_SETTINGS

  it('sends nothing when nothing changed', () => {
    const result = formToPatch(settingsToForm(saved))
    expect(result.ok && changedSettings(saved, result.patch)).toEqual({})
  })

  it('sends only the changed fields and alert thresholds', () => {
    const result = formToPatch({
      ...settingsToForm(saved),
      closeToTray: !saved.closeToTray,
      freeBelowPercent: '7',
    })
    expect(result.ok && changedSettings(saved, result.patch)).toEqual({
      closeToTray: !saved.closeToTray,
      alerts: { freeBelowPercent: 7 },
    })
  })

  it('sends only the default policy kinds that changed', () => {
    const result = formToPatch({ ...settingsToForm(saved), policyBuildCache: true })
    expect(result.ok && result.patch.defaultPolicyKinds).toEqual({
      stoppedContainers: false,
      buildCache: true,
      unusedVolumes: false,
    })
    expect(result.ok && changedSettings(saved, result.patch)).toEqual({
      defaultPolicyKinds: { buildCache: true },
    })
  })

  it('reads the default policy kinds into the form', () => {
    const form = settingsToForm({
      ...saved,
      defaultPolicyKinds: { stoppedContainers: true, buildCache: false, unusedVolumes: true },
    })
    expect([form.policyStoppedContainers, form.policyBuildCache, form.policyUnusedVolumes]).toEqual(
      [true, false, true],
    )
  })

  it('leaves a list changed elsewhere alone when the form did not touch it', () => {
    // The form opened before Images → Protect added a pattern; saving must not take it away.
    const result = formToPatch({ ...settingsToForm(saved), startHidden: !saved.startHidden })
    const patch = result.ok ? changedSettings(saved, result.patch) : null
    expect(patch).toEqual({ startHidden: !saved.startHidden })
    expect(patch).not.toHaveProperty('protectedPatterns')
  })
})
