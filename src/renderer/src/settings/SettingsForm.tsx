/**
 * The settings Drydock keeps in its log: engine host, alerts, sampling, protection, the policy
 * behind "Clean up safely" (PolicySection), automatic cleanup (AutomationSection), and start-up.
 * Checked on Save with the contract's own schema; each message sits next to its field, and focus
 * goes to the first field to fix.
 */
import { useState, type ReactNode } from 'react'
import type { Settings } from '../../../shared/settings'
import { useClient } from '../client-context'
import { ErrorBanner } from '../components/ErrorBanner'
import { Spinner } from '../components/Spinner'
import { errorCode, errorMessage } from '../errors'
import {
  FIELD_ORDER,
  changedSettings,
  formToPatch,
  sameForm,
  settingsToForm,
  type FieldErrors,
  type FieldName,
  type FormValues,
} from './form'
import { AutomationSection } from './AutomationSection'
import { described, FieldError, idOf, type FormApi } from './fields'
import { ListEditor } from './ListEditor'
import { PolicySection } from './PolicySection'

type SaveState =
  | { status: 'idle' }
  | { status: 'saving' }
  | { status: 'saved'; at: Date }
  | { status: 'invalid' }
  | { status: 'failed'; error: unknown }

export function SettingsForm({ initial }: { initial: Settings }): ReactNode {
  const client = useClient()
  const [saved, setSaved] = useState(initial)
  const [form, setForm] = useState(() => settingsToForm(initial))
  const [errors, setErrors] = useState<FieldErrors>({})
  const [save, setSave] = useState<SaveState>({ status: 'idle' })
  const dirty = !sameForm(form, settingsToForm(saved))

  // Read again after another engine was chosen (the switcher saves it as the host): the host
  // follows, and anything else typed but not saved stays.
  const [seen, setSeen] = useState(initial)
  if (initial !== seen) {
    setSeen(initial)
    if (initial.host !== saved.host) {
      setSaved(initial)
      setForm(dirty ? { ...form, host: initial.host ?? '' } : settingsToForm(initial))
    }
  }

  function set<K extends FieldName>(name: K, value: FormValues[K]): void {
    setForm((current) => ({ ...current, [name]: value }))
    // The message goes once the field is edited; the next Save checks it again.
    setErrors((current) => {
      if (!current[name]) return current
      const next = { ...current }
      delete next[name]
      return next
    })
    if (save.status === 'saved' || save.status === 'invalid') setSave({ status: 'idle' })
  }

  function focusFirst(found: FieldErrors): void {
    const first = FIELD_ORDER.find((name) => found[name])
    if (first) document.getElementById(idOf(first))?.focus()
  }

  function onSubmit(): void {
    if (save.status === 'saving') return
    const result = formToPatch(form)
    if (!result.ok) {
      setErrors(result.errors)
      setSave({ status: 'invalid' })
      // After React has rendered the messages, so the focused field announces its own.
      requestAnimationFrame(() => focusFirst(result.errors))
      return
    }
    setErrors({})
    setSave({ status: 'saving' })
    client.updateSettings(changedSettings(saved, result.patch)).then(
      (next) => {
        setSaved(next)
        setForm(settingsToForm(next))
        setSave({ status: 'saved', at: new Date() })
      },
      (error: unknown) => {
        // The service refuses a host it cannot use, with the reason: that belongs by the field.
        if (errorCode(error) === 'invalid-host' || errorCode(error) === 'invalid-request') {
          const found = {
            [errorCode(error) === 'invalid-host' ? 'host' : 'form']: errorMessage(error),
          }
          setErrors(found)
          setSave({ status: 'invalid' })
          requestAnimationFrame(() => focusFirst(found))
        } else {
          setSave({ status: 'failed', error })
        }
      },
    )
  }

  function revert(): void {
    setForm(settingsToForm(saved))
    setErrors({})
    setSave({ status: 'idle' })
  }

  const api: FormApi = { form, errors, set }
  const fieldError = (name: FieldName): ReactNode => <FieldError api={api} name={name} />

  /** A limit as a percentage or a size: two boxes, either may stay empty. */
  const thresholdPair = (pair: {
    label: string
    percent: 'freeBelowPercent' | 'usageAbovePercent'
    size: 'freeBelowSize' | 'usageAboveSize'
    /** The boxes' accessible names: "<name> (%)", "<name> (size)". */
    name: string
    between: string
    placeholder: string
    hint: string
  }): ReactNode => (
    <div className="field">
      <span className="field__label">{pair.label}</span>
      <div className="field__row">
        <input
          type="text"
          inputMode="decimal"
          className="input--size"
          aria-label={`${pair.name} (%)`}
          disabled={!form.alertsEnabled}
          value={form[pair.percent]}
          onChange={(event) => set(pair.percent, event.target.value)}
          {...described(api, pair.percent)}
        />
        <span aria-hidden="true">{pair.between}</span>
        <input
          type="text"
          className="input--size"
          aria-label={`${pair.name} (size)`}
          placeholder={pair.placeholder}
          disabled={!form.alertsEnabled}
          value={form[pair.size]}
          onChange={(event) => set(pair.size, event.target.value)}
          {...described(api, pair.size)}
        />
      </div>
      {fieldError(pair.percent)}
      {fieldError(pair.size)}
      <p className="field__hint">{pair.hint}</p>
    </div>
  )

  return (
    <form
      className="settings-form"
      noValidate
      aria-label="Settings"
      onSubmit={(event) => {
        event.preventDefault()
        onSubmit()
      }}
    >
      <section className="card settings-section" aria-labelledby="settings-engine-title">
        <h2 className="card__title" id="settings-engine-title">
          Docker engine
        </h2>
        <div className="field">
          <label htmlFor={idOf('host')}>Docker host</label>
          <input
            type="text"
            className="input--wide"
            placeholder="Automatic"
            spellCheck={false}
            value={form.host}
            onChange={(event) => set('host', event.target.value)}
            {...described(api, 'host', true)}
          />
          <p className="field__hint" id={`${idOf('host')}-hint`}>
            Such as <code>unix:///var/run/docker.sock</code>, <code>tcp://host:2376</code> or{' '}
            <code>ssh://user@host</code>. Empty: automatic — <code>DOCKER_HOST</code>, then the
            current Docker context, then the default socket. A <code>--host</code> option given at
            start-up wins over this setting.
          </p>
          {fieldError('host')}
        </div>
      </section>

      <section className="card settings-section" aria-labelledby="settings-alerts-title">
        <h2 className="card__title" id="settings-alerts-title">
          Low-disk alerts
        </h2>
        <label className="check">
          <input
            type="checkbox"
            checked={form.alertsEnabled}
            onChange={(event) => set('alertsEnabled', event.target.checked)}
            {...described(api, 'alertsEnabled')}
          />
          <span className="check__text">
            <strong>Alert me when the disk runs low</strong>
            <span className="muted">
              A notification (a banner in browser mode) with a link to the safe cleanup.
            </span>
          </span>
        </label>
        <div className="settings-grid">
          {thresholdPair({
            label: 'When free space is below',
            percent: 'freeBelowPercent',
            size: 'freeBelowSize',
            name: 'Free space below',
            between: '% or',
            placeholder: '5 GB',
            hint: 'Of the disk holding Docker’s data (local engines).',
          })}
          {thresholdPair({
            label: 'When Docker uses more than',
            percent: 'usageAbovePercent',
            size: 'usageAboveSize',
            name: 'Docker usage above',
            between: '% of the disk or',
            placeholder: '50 GB',
            hint: 'Leave a box empty to not use that limit.',
          })}
        </div>
        <div className="field">
          <label htmlFor={idOf('samplingIntervalMinutes')}>Sampling interval (minutes)</label>
          <input
            type="text"
            inputMode="numeric"
            className="input--size"
            value={form.samplingIntervalMinutes}
            onChange={(event) => set('samplingIntervalMinutes', event.target.value)}
            {...described(api, 'samplingIntervalMinutes', true)}
          />
          <p className="field__hint" id={`${idOf('samplingIntervalMinutes')}-hint`}>
            How often Drydock measures disk usage, for the alerts and the charts (1 to 1,440).
          </p>
          {fieldError('samplingIntervalMinutes')}
        </div>
      </section>

      <section className="card settings-section" aria-labelledby="settings-protect-title">
        <h2 className="card__title" id="settings-protect-title">
          Protected images
        </h2>
        <ListEditor
          label="Protected patterns"
          hint={
            <>
              References or image IDs no cleanup ever touches; <code>*</code> matches anything, e.g.{' '}
              <code>postgres:*</code>.
            </>
          }
          placeholder="postgres:*"
          items={form.protectedPatterns}
          onChange={(items) => set('protectedPatterns', items)}
          error={errors.protectedPatterns}
          inputId={idOf('protectedPatterns')}
          testId="protected-patterns"
        />
        <ListEditor
          label="Protected labels"
          hint={
            <>
              Images carrying the label are kept: <code>KEY</code> or <code>KEY=VALUE</code>.
            </>
          }
          placeholder="com.example.keep=true"
          items={form.protectedLabels}
          onChange={(items) => set('protectedLabels', items)}
          error={errors.protectedLabels}
          inputId={idOf('protectedLabels')}
          testId="protected-labels"
        />
      </section>

      <PolicySection api={api} saved={saved} />
      <AutomationSection api={api} saved={saved} />

      <section className="card settings-section" aria-labelledby="settings-startup-title">
        <h2 className="card__title" id="settings-startup-title">
          Start-up and tray
        </h2>
        <p className="field__hint">These apply to the desktop app.</p>
        <label className="check">
          <input
            type="checkbox"
            checked={form.startAtLogin}
            onChange={(event) => set('startAtLogin', event.target.checked)}
            {...described(api, 'startAtLogin')}
          />
          <span className="check__text">
            <strong>Start Drydock when I log in</strong>
          </span>
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={form.startHidden}
            onChange={(event) => set('startHidden', event.target.checked)}
            {...described(api, 'startHidden')}
          />
          <span className="check__text">
            <strong>Start hidden in the tray</strong>
            <span className="muted">No window at start; open it from the tray icon.</span>
          </span>
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={form.closeToTray}
            onChange={(event) => set('closeToTray', event.target.checked)}
            {...described(api, 'closeToTray')}
          />
          <span className="check__text">
            <strong>Keep running in the tray when the window is closed</strong>
          </span>
        </label>
      </section>

      {save.status === 'failed' ? (
        <ErrorBanner
          title="Could not save the settings"
          error={save.error}
          onRetry={onSubmit}
          onDismiss={() => setSave({ status: 'idle' })}
        />
      ) : null}

      <div className="settings-actions">
        <button
          type="submit"
          className="button button--primary"
          aria-disabled={save.status === 'saving' || undefined}
        >
          {save.status === 'saving' ? <Spinner size={13} /> : null}
          {save.status === 'saving' ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="button" disabled={!dirty} onClick={revert}>
          Revert
        </button>
        <p className="settings-actions__status" role="status" data-testid="settings-status">
          {save.status === 'saved' ? (
            <span className="settings-actions__ok">Settings saved.</span>
          ) : save.status === 'invalid' ? (
            <span className="field__error">
              {errors.form ?? 'Some settings need fixing; see the messages above.'}
            </span>
          ) : dirty ? (
            <span className="muted">Unsaved changes.</span>
          ) : null}
        </p>
      </div>
    </form>
  )
}
