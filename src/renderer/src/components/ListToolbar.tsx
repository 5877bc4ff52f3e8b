/**
 * What the Images page and the kind pages show above their tables: the text filter, the chip
 * filters and the bar of actions on the selection. Each page supplies its words and actions.
 */
import { Fragment, type ReactNode } from 'react'
import { plural } from '../describe'

/** The text filter. */
export function SearchFilter({
  label,
  placeholder,
  text,
  onText,
}: {
  /** Its accessible name. */
  label: ReactNode
  placeholder: string
  text: string
  onText: (text: string) => void
}): ReactNode {
  return (
    <label className="images-search">
      <span className="visually-hidden">{label}</span>
      <input
        type="search"
        className="dd-input"
        placeholder={placeholder}
        value={text}
        onChange={(event) => onText(event.target.value)}
      />
    </label>
  )
}

/** Toggle buttons, each with its count: the rows with any chosen chip are shown. */
export function ChipFilter<C extends string>({
  label,
  chips,
  chosen,
  onChips,
  text,
  counts,
}: {
  label: string
  chips: readonly C[]
  chosen: readonly C[]
  onChips: (chips: C[]) => void
  text: Readonly<Record<C, { chip: string; description: string }>>
  counts: Readonly<Record<C, number>>
}): ReactNode {
  return (
    <div className="images-status-filter" role="group" aria-label={label}>
      {chips.map((chip) => {
        const on = chosen.includes(chip)
        return (
          <button
            key={chip}
            type="button"
            className={`filter-chip chip--${chip}`}
            aria-pressed={on}
            title={text[chip].description}
            onClick={() => onChips(on ? chosen.filter((c) => c !== chip) : [...chosen, chip])}
          >
            {text[chip].chip}
            <span className="filter-chip__count">{counts[chip].toLocaleString()}</span>
          </button>
        )
      })}
    </div>
  )
}

export interface SelectionAction {
  label: string
  title: string
  onClick: () => void
  tone?: 'warn'
  /** Disabled besides "nothing selected". */
  disabled?: boolean
}

/** The selection's count, its actions (groups apart by a divider) and "Clear selection". */
export function SelectionToolbar({
  noun,
  selected,
  hidden,
  countId,
  actions,
  onClear,
}: {
  /** Singular and plural: ["image", "images"]. */
  noun: [string, string]
  selected: number
  /** Selected rows the current filter hides. */
  hidden: number
  /** The count's element ID: each action is described by it. */
  countId: string
  actions: readonly (readonly SelectionAction[])[]
  onClear: () => void
}): ReactNode {
  const none = selected === 0
  return (
    <div className="selection-bar" role="toolbar" aria-label={`Actions on the selected ${noun[1]}`}>
      <p className="selection-bar__count" id={countId} aria-live="polite">
        {none ? `No ${noun[0]} selected` : `${plural(selected, noun[0], noun[1])} selected`}
        {hidden > 0 ? (
          <span className="muted"> ({hidden.toLocaleString()} hidden by the filter)</span>
        ) : null}
      </p>
      <div className="selection-bar__actions">
        {actions.map((group, index) => (
          <Fragment key={index}>
            {index > 0 ? <span className="selection-bar__divider" aria-hidden="true" /> : null}
            {group.map((action) => (
              <button
                key={action.label}
                type="button"
                className={`button button--small${action.tone === 'warn' ? ' button--warn' : ''}`}
                disabled={none || action.disabled}
                onClick={action.onClick}
                aria-describedby={countId}
                title={action.title}
              >
                {action.label}
              </button>
            ))}
          </Fragment>
        ))}
        <button
          type="button"
          className="button button--small button--ghost"
          disabled={none}
          onClick={onClear}
        >
          Clear selection
        </button>
      </div>
    </div>
  )
}
