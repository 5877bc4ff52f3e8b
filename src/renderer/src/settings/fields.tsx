/**
 * What each section of the Settings form shares: the form's values and errors, the setter, and
 * the wiring that ties a field to its hint and its message (ids, aria-invalid, describedby).
 */
import type { ReactNode } from 'react'
import type { FieldErrors, FieldName, FormValues } from './form'

export interface FormApi {
  form: FormValues
  errors: FieldErrors
  set: <K extends FieldName>(name: K, value: FormValues[K]) => void
}

export const idOf = (name: FieldName): string => `settings-${name}`

/** The attributes that name a field and point at its hint and its message. */
export function described(
  api: FormApi,
  name: FieldName,
  hint = false,
): { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string } {
  const error = api.errors[name]
  return {
    id: idOf(name),
    'aria-invalid': error ? true : undefined,
    'aria-describedby':
      [hint ? `${idOf(name)}-hint` : null, error ? `${idOf(name)}-error` : null]
        .filter(Boolean)
        .join(' ') || undefined,
  }
}

export function FieldError({ api, name }: { api: FormApi; name: FieldName }): ReactNode {
  const error = api.errors[name]
  return error ? (
    <p className="field__error" id={`${idOf(name)}-error`} data-testid={`${idOf(name)}-error`}>
      {error}
    </p>
  ) : null
}

type BooleanField = {
  [K in FieldName]: FormValues[K] extends boolean ? K : never
}[FieldName]

/** A checkbox with a bold label and an optional note under it. */
export function CheckField({
  api,
  name,
  label,
  note,
  disabled,
}: {
  api: FormApi
  name: BooleanField
  label: string
  note?: ReactNode
  disabled?: boolean
}): ReactNode {
  return (
    <label className="check">
      <input
        type="checkbox"
        checked={api.form[name]}
        disabled={disabled}
        onChange={(event) => api.set(name, event.target.checked)}
        {...described(api, name)}
      />
      <span className="check__text">
        <strong>{label}</strong>
        {note ? <span className="muted">{note}</span> : null}
      </span>
    </label>
  )
}
