/**
 * Above a kind's table: the text filter, the chip filters and the compose project filter; then
 * the actions on the selection, with what the selection warrants a warning about.
 */
import { useId, type ReactNode } from 'react'
import { plural } from '../describe'
import { CHIP_TEXT, NO_PROJECT, type KindChip } from './model'

export function KindFilters({
  noun,
  placeholder,
  text,
  onText,
  chips,
  chosen,
  onChips,
  counts,
  projects,
  project,
  onProject,
}: {
  /** Plural noun for the labels: "containers". */
  noun: string
  placeholder: string
  text: string
  onText: (text: string) => void
  chips: readonly KindChip[]
  chosen: readonly KindChip[]
  onChips: (chips: KindChip[]) => void
  counts: Readonly<Record<KindChip, number>>
  projects: readonly string[]
  project: string
  onProject: (project: string) => void
}): ReactNode {
  const projectId = useId()
  return (
    <div className="images-filters">
      <label className="images-search">
        <span className="visually-hidden">Filter {noun}</span>
        <input
          type="search"
          className="dd-input"
          placeholder={placeholder}
          value={text}
          onChange={(event) => onText(event.target.value)}
        />
      </label>
      <div className="images-status-filter" role="group" aria-label={`Show only ${noun} that are`}>
        {chips.map((chip) => {
          const on = chosen.includes(chip)
          return (
            <button
              key={chip}
              type="button"
              className={`filter-chip chip--${chip}`}
              aria-pressed={on}
              title={CHIP_TEXT[chip].description}
              onClick={() => onChips(on ? chosen.filter((c) => c !== chip) : [...chosen, chip])}
            >
              {CHIP_TEXT[chip].chip}
              <span className="filter-chip__count">{counts[chip].toLocaleString()}</span>
            </button>
          )
        })}
      </div>
      {projects.length > 0 ? (
        <div className="kind-project-filter">
          <label htmlFor={projectId}>Compose project</label>
          <select
            id={projectId}
            className="dd-input"
            value={project}
            onChange={(event) => onProject(event.target.value)}
          >
            <option value="">All</option>
            {projects.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
            <option value={NO_PROJECT}>No project</option>
          </select>
        </div>
      ) : null}
    </div>
  )
}

export interface KindAction {
  label: string
  title: string
  onClick: () => void
  tone?: 'warn'
  /** Disabled besides "nothing selected". */
  disabled?: boolean
}

export function KindSelectionBar({
  noun,
  selected,
  hidden,
  actions,
  warnings,
  onClear,
}: {
  /** Singular noun: "container" (plural adds an s). */
  noun: [string, string]
  selected: number
  /** Selected rows the current filter hides. */
  hidden: number
  actions: KindAction[]
  /** What to know about the selection before acting on it. */
  warnings: string[]
  onClear: () => void
}): ReactNode {
  const countId = useId()
  const none = selected === 0
  return (
    <div className="kind-selection">
      <div
        className="selection-bar"
        role="toolbar"
        aria-label={`Actions on the selected ${noun[1]}`}
      >
        <p className="selection-bar__count" id={countId} aria-live="polite">
          {none ? `No ${noun[0]} selected` : `${plural(selected, noun[0], noun[1])} selected`}
          {hidden > 0 ? (
            <span className="muted"> ({hidden.toLocaleString()} hidden by the filter)</span>
          ) : null}
        </p>
        <div className="selection-bar__actions">
          {actions.map((action) => (
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
      {warnings.length > 0 ? (
        <ul className="kind-warnings" aria-label="About the selection" data-testid="kind-warnings">
          {warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}
