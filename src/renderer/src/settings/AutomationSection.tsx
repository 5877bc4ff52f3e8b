/**
 * Settings → Automatic cleanup: off by default; daily or weekly at a time and/or on a low-disk
 * alert; the default policy, a size target or docker system prune; never forced. Under the fields,
 * what the saved settings will do (AutomationStatusPanel).
 */
import type { ReactNode } from 'react'
import type { Settings } from '../../../shared/settings'
import { AutomationStatusPanel } from './AutomationStatusPanel'
import { DAY_NAMES } from './automation-words'
import { CheckField, described, FieldError, idOf, type FormApi } from './fields'

const POLICIES = [
  {
    kind: 'default',
    label: 'Clean up safely',
    note: 'The policy above, with its other kinds and the protected images.',
  },
  {
    kind: 'target-size',
    label: 'Keep images and build cache under a size',
    note: 'Least recently used first, only what nothing holds, until both take at most the size.',
  },
  {
    kind: 'system',
    label: 'As docker system prune',
    note: 'Dangling images, stopped containers and build cache no build is using.',
  },
] as const

export function AutomationSection({ api, saved }: { api: FormApi; saved: Settings }): ReactNode {
  const { form, set } = api
  const off = !form.automationEnabled
  return (
    <section
      className="card settings-section"
      aria-labelledby="settings-automation-title"
      data-testid="settings-automation"
    >
      <h2 className="card__title" id="settings-automation-title">
        Automatic cleanup
      </h2>
      <CheckField
        api={api}
        name="automationEnabled"
        label="Clean up automatically"
        note="Never forced, never while another cleanup runs, not on battery; every run is in History."
      />
      <div className="field">
        <label htmlFor={idOf('automationSchedule')}>Schedule</label>
        <div className="field__row">
          <select
            value={form.automationSchedule}
            disabled={off}
            onChange={(event) =>
              set('automationSchedule', event.target.value as typeof form.automationSchedule)
            }
            {...described(api, 'automationSchedule')}
          >
            <option value="off">No schedule</option>
            <option value="daily">Every day</option>
            <option value="weekly">Every week</option>
          </select>
          {form.automationSchedule === 'weekly' ? (
            <select
              aria-label="Day of the week"
              value={form.automationDay}
              disabled={off}
              onChange={(event) => set('automationDay', event.target.value)}
              {...described(api, 'automationDay')}
            >
              {DAY_NAMES.map((day, index) => (
                <option key={day} value={String(index)}>
                  on {day}
                </option>
              ))}
            </select>
          ) : null}
          {form.automationSchedule !== 'off' ? (
            <input
              type="time"
              aria-label="Time of day"
              value={form.automationTime}
              disabled={off}
              onChange={(event) => set('automationTime', event.target.value)}
              {...described(api, 'automationTime')}
            />
          ) : null}
        </div>
        <FieldError api={api} name="automationSchedule" />
        <FieldError api={api} name="automationDay" />
        <FieldError api={api} name="automationTime" />
      </div>
      <CheckField
        api={api}
        name="automationOnAlert"
        label="Also when a low-disk alert is raised"
        note="Uses the alert thresholds above."
        disabled={off}
      />
      <fieldset className="radios" id={idOf('automationPolicy')} tabIndex={-1} disabled={off}>
        <legend className="field__label">What it removes</legend>
        {POLICIES.map((policy) => (
          <div key={policy.kind} className="radios__option">
            <label className="check">
              <input
                type="radio"
                name="automation-policy"
                checked={form.automationPolicy === policy.kind}
                onChange={() => set('automationPolicy', policy.kind)}
              />
              <span className="check__text">
                <strong>{policy.label}</strong>
                <span className="muted">{policy.note}</span>
              </span>
            </label>
            {policy.kind === 'target-size' && form.automationPolicy === 'target-size' ? (
              <div className="field radios__detail">
                <div className="field__row">
                  <span aria-hidden="true">At most</span>
                  <input
                    type="text"
                    className="input--size"
                    aria-label="Target size"
                    placeholder="20 GB"
                    value={form.automationTargetSize}
                    onChange={(event) => set('automationTargetSize', event.target.value)}
                    {...described(api, 'automationTargetSize')}
                  />
                </div>
                <FieldError api={api} name="automationTargetSize" />
              </div>
            ) : null}
          </div>
        ))}
      </fieldset>
      <AutomationStatusPanel automation={saved.automation} />
    </section>
  )
}
