/**
 * A row of tabs (WAI-ARIA tabs pattern): one tab stop, arrow keys/Home/End move between tabs and
 * select them. The caller renders the panel with `id={panelId}` and `aria-labelledby={tabId(id)}`.
 */
import { useRef, type KeyboardEvent, type ReactNode } from 'react'

export interface TabOption<T extends string> {
  id: T
  label: string
  title?: string
}

export function Tabs<T extends string>({
  label,
  options,
  value,
  onChange,
  idPrefix,
  panelId,
}: {
  label: string
  options: readonly TabOption<T>[]
  value: T
  onChange: (value: T) => void
  idPrefix: string
  panelId: string
}): ReactNode {
  const listRef = useRef<HTMLDivElement>(null)

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>): void {
    const index = options.findIndex((option) => option.id === value)
    let next: number | null = null
    if (event.key === 'ArrowRight') next = (index + 1) % options.length
    else if (event.key === 'ArrowLeft') next = (index - 1 + options.length) % options.length
    else if (event.key === 'Home') next = 0
    else if (event.key === 'End') next = options.length - 1
    if (next === null) return
    event.preventDefault()
    const option = options[next]!
    onChange(option.id)
    listRef.current
      ?.querySelector<HTMLElement>(`#${CSS.escape(tabId(idPrefix, option.id))}`)
      ?.focus()
  }

  return (
    <div className="tabs" role="tablist" aria-label={label} ref={listRef} onKeyDown={onKeyDown}>
      {options.map((option) => {
        const selected = option.id === value
        return (
          <button
            key={option.id}
            type="button"
            role="tab"
            id={tabId(idPrefix, option.id)}
            className="tabs__tab"
            aria-selected={selected}
            aria-controls={panelId}
            tabIndex={selected ? 0 : -1}
            title={option.title}
            onClick={() => onChange(option.id)}
          >
            {option.label}
          </button>
        )
      })}
    </div>
  )
}

export function tabId(prefix: string, id: string): string {
  return `${prefix}-tab-${id}`
}
