/** Choose what a policy cleanup removes; "Preview" writes it to the address, which re-plans. */
import { useId, useState, type FormEvent, type ReactNode } from 'react'
import { cleanupHash, type PagePolicy } from './request'

type Kind = PagePolicy['kind']

const MAX_DAYS = 3650
const MAX_COUNT = 1000

function wholeNumber(
  text: string,
  max: number,
  what: string,
): { value: number } | { error: string } {
  const trimmed = text.trim()
  if (!/^\d+$/.test(trimmed)) return { error: `Enter the number of ${what} as a whole number.` }
  const value = Number(trimmed)
  if (value < 1 || value > max) return { error: `The number of ${what} must be from 1 to ${max}.` }
  return { value }
}

export function PolicyPicker({
  current,
  isDefault,
}: {
  /** The policy on screen now. */
  current: PagePolicy
  /** True when it is the Settings default ("Clean up safely"). */
  isDefault: boolean
}): ReactNode {
  const [kind, setKind] = useState<Kind>(current.kind)
  const [days, setDays] = useState(String(current.kind === 'unused-older-than' ? current.days : 30))
  const [count, setCount] = useState(String(current.kind === 'keep-last' ? current.count : 3))
  const [error, setError] = useState<string | null>(null)
  const errorId = useId()

  function submit(event: FormEvent): void {
    event.preventDefault()
    let policy: PagePolicy
    if (kind === 'unused-older-than') {
      const parsed = wholeNumber(days, MAX_DAYS, 'days')
      if ('error' in parsed) return setError(parsed.error)
      policy = { kind, days: parsed.value }
    } else if (kind === 'keep-last') {
      const parsed = wholeNumber(count, MAX_COUNT, 'tags to keep')
      if ('error' in parsed) return setError(parsed.error)
      policy = { kind, count: parsed.value }
    } else {
      policy = { kind }
    }
    setError(null)
    window.location.hash = cleanupHash({ kind: 'policy', policy })
  }

  const option = (value: Kind, label: ReactNode) => (
    <label className="policy-option">
      <input
        type="radio"
        name="policy"
        value={value}
        checked={kind === value}
        onChange={() => setKind(value)}
      />
      <span>{label}</span>
    </label>
  )

  return (
    <form className="policy-picker card" onSubmit={submit} noValidate>
      <fieldset>
        <legend className="policy-picker__legend">
          Policy{isDefault ? <span className="muted"> (the default from Settings)</span> : null}
        </legend>
        <div className="policy-picker__options">
          {option('dangling', 'Dangling images only')}
          {option('unused', 'Every unused image')}
          {option(
            'unused-older-than',
            <>
              Unused, not used for{' '}
              <input
                className="dd-input dd-input--number"
                inputMode="numeric"
                aria-label="Days without use"
                aria-invalid={kind === 'unused-older-than' && error !== null ? true : undefined}
                aria-describedby={error ? errorId : undefined}
                value={days}
                onFocus={() => setKind('unused-older-than')}
                onChange={(event) => setDays(event.target.value)}
              />{' '}
              days
            </>,
          )}
          {option(
            'keep-last',
            <>
              Keep the{' '}
              <input
                className="dd-input dd-input--number"
                inputMode="numeric"
                aria-label="Newest tags to keep per repository"
                aria-invalid={kind === 'keep-last' && error !== null ? true : undefined}
                aria-describedby={error ? errorId : undefined}
                value={count}
                onFocus={() => setKind('keep-last')}
                onChange={(event) => setCount(event.target.value)}
              />{' '}
              newest tags of each repository
            </>,
          )}
        </div>
      </fieldset>
      {error ? (
        <p className="field-error" id={errorId} role="alert">
          {error}
        </p>
      ) : null}
      <div className="policy-picker__actions">
        <button type="submit" className="button button--small">
          Preview this policy
        </button>
        <span className="muted">Protected patterns and labels from Settings always apply.</span>
      </div>
    </form>
  )
}
