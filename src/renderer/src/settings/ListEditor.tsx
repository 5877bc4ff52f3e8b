/** An editable list of short strings (protected patterns, labels): add, remove, see them all. */
import { useId, useState, type ReactNode } from 'react'
import { CloseIcon } from '../components/Icons'

export function ListEditor({
  label,
  hint,
  placeholder,
  items,
  onChange,
  error,
  inputId,
  testId,
}: {
  label: string
  hint: ReactNode
  placeholder: string
  items: string[]
  onChange: (items: string[]) => void
  error: string | undefined
  /** The text input's id: where focus goes when this list has an error. */
  inputId: string
  testId: string
}): ReactNode {
  const id = useId()
  const [draft, setDraft] = useState('')
  const [duplicate, setDuplicate] = useState(false)

  function add(): void {
    const value = draft.trim()
    if (value === '') return
    if (items.includes(value)) {
      setDuplicate(true)
      return
    }
    onChange([...items, value])
    setDraft('')
    setDuplicate(false)
  }

  const message = error ?? (duplicate ? `“${draft.trim()}” is already in the list.` : undefined)
  return (
    <div className="field list-editor" data-testid={testId}>
      <label htmlFor={inputId}>{label}</label>
      <p className="field__hint" id={`${id}-hint`}>
        {hint}
      </p>
      {items.length > 0 ? (
        <ul className="list-editor__items" aria-label={label}>
          {items.map((item) => (
            <li key={item} className="list-editor__item">
              <code>{item}</code>
              <button
                type="button"
                className="icon-button icon-button--small"
                aria-label={`Remove ${item}`}
                onClick={() => onChange(items.filter((other) => other !== item))}
              >
                <CloseIcon size={14} />
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted list-editor__empty">None.</p>
      )}
      <div className="field__row">
        <input
          id={inputId}
          type="text"
          className="input--wide"
          value={draft}
          placeholder={placeholder}
          aria-describedby={`${id}-hint${message ? ` ${id}-error` : ''}`}
          aria-invalid={message ? true : undefined}
          onChange={(event) => {
            setDraft(event.target.value)
            setDuplicate(false)
          }}
          onKeyDown={(event) => {
            // Enter adds to the list instead of submitting the whole form.
            if (event.key === 'Enter') {
              event.preventDefault()
              add()
            }
          }}
        />
        <button type="button" className="button button--small" onClick={add}>
          Add
        </button>
      </div>
      {message ? (
        <p className="field__error" id={`${id}-error`}>
          {message}
        </p>
      ) : null}
    </div>
  )
}
