/** Settings → "Clean up safely": which images the one-click cleanup removes, and what else. */
import type { ReactNode } from 'react'
import { describePolicy } from '../../../shared/default-policy'
import type { Settings } from '../../../shared/settings'
import { describePolicyKinds } from '../kinds/words'
import { CheckField, described, FieldError, idOf, type FormApi } from './fields'

export function PolicySection({ api, saved }: { api: FormApi; saved: Settings }): ReactNode {
  const { form, set } = api

  /** The number a chosen default policy needs (days, tags), shown under its radio. */
  const policyNumber = (box: {
    name: 'policyDays' | 'policyCount'
    label: string
    unit: string
  }): ReactNode => (
    <div className="field radios__detail">
      <div className="field__row">
        <input
          type="text"
          inputMode="numeric"
          className="input--size"
          aria-label={box.label}
          value={form[box.name]}
          onChange={(event) => set(box.name, event.target.value)}
          {...described(api, box.name)}
        />
        <span aria-hidden="true">{box.unit}</span>
      </div>
      <FieldError api={api} name={box.name} />
    </div>
  )

  const others = describePolicyKinds(saved.defaultPolicyKinds)
  return (
    <section className="card settings-section" aria-labelledby="settings-policy-title">
      <h2 className="card__title" id="settings-policy-title">
        Clean up safely
      </h2>
      <fieldset className="radios" id={idOf('policyKind')} tabIndex={-1}>
        <legend className="field__label">Which images the one-click cleanup removes</legend>
        <p className="field__hint">
          Never forced: images a container uses, or that are protected, always stay.
        </p>
        <label className="check">
          <input
            type="radio"
            name="policy"
            checked={form.policyKind === 'dangling'}
            onChange={() => set('policyKind', 'dangling')}
          />
          <span className="check__text">
            <strong>Dangling images only</strong>
            <span className="muted">Untagged leftovers of builds and pulls.</span>
          </span>
        </label>
        <label className="check">
          <input
            type="radio"
            name="policy"
            checked={form.policyKind === 'unused-older-than'}
            onChange={() => set('policyKind', 'unused-older-than')}
          />
          <span className="check__text">
            <strong>Unused images not used for a number of days</strong>
          </span>
        </label>
        {form.policyKind === 'unused-older-than'
          ? policyNumber({ name: 'policyDays', label: 'Days unused', unit: 'days' })
          : null}
        <label className="check">
          <input
            type="radio"
            name="policy"
            checked={form.policyKind === 'keep-last'}
            onChange={() => set('policyKind', 'keep-last')}
          />
          <span className="check__text">
            <strong>Keep the newest tags of each repository</strong>
          </span>
        </label>
        {form.policyKind === 'keep-last'
          ? policyNumber({ name: 'policyCount', label: 'Tags to keep', unit: 'newest tags' })
          : null}
      </fieldset>
      <fieldset className="radios" data-testid="settings-policy-kinds">
        <legend className="field__label">It also removes</legend>
        <p className="field__hint">
          Only what nothing uses. Named volumes are never removed by a policy: choose them on the
          Volumes page.
        </p>
        <CheckField
          api={api}
          name="policyStoppedContainers"
          label="Stopped containers"
          note="Containers that are not running, with their writable files and logs."
        />
        <CheckField
          api={api}
          name="policyBuildCache"
          label="Build cache no build is using"
          note="Builds that need it again run slower once."
        />
        <CheckField
          api={api}
          name="policyUnusedVolumes"
          label="Anonymous volumes no container mounts"
          note="Volumes made for containers without a name; no one chose to keep them."
        />
      </fieldset>
      <p className="muted" data-testid="settings-policy-summary">
        Saved policy: {describePolicy(saved.defaultPolicy)}
        {others ? `, plus ${others}` : ''}.
      </p>
    </section>
  )
}
