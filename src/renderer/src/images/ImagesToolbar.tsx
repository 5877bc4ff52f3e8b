/** Above the table: the text filter, the status filters, and the actions on the selection. */
import type { ReactNode } from 'react'
import { plural } from '../describe'
import { STATUSES, STATUS_TEXT, type ImageStatus } from './model'

export function ImagesFilters({
  text,
  onText,
  statuses,
  onStatuses,
  counts,
}: {
  text: string
  onText: (text: string) => void
  statuses: readonly ImageStatus[]
  onStatuses: (statuses: ImageStatus[]) => void
  counts: Readonly<Record<ImageStatus, number>>
}): ReactNode {
  return (
    <div className="images-filters">
      <label className="images-search">
        <span className="visually-hidden">Filter images by tag, digest, ID or container</span>
        <input
          type="search"
          className="dd-input"
          placeholder="Filter by tag, digest, ID or container…"
          value={text}
          onChange={(event) => onText(event.target.value)}
        />
      </label>
      <div className="images-status-filter" role="group" aria-label="Show only images that are">
        {STATUSES.map((status) => {
          const on = statuses.includes(status)
          return (
            <button
              key={status}
              type="button"
              className={`filter-chip chip--${status}`}
              aria-pressed={on}
              title={STATUS_TEXT[status].description}
              onClick={() =>
                onStatuses(on ? statuses.filter((s) => s !== status) : [...statuses, status])
              }
            >
              {STATUS_TEXT[status].chip}
              <span className="filter-chip__count">{counts[status].toLocaleString()}</span>
            </button>
          )
        })}
      </div>
    </div>
  )
}

export interface SelectionActions {
  remove: () => void
  forceRemove: () => void
  removeWithContainers: () => void
  protect: () => void
  unprotect: () => void
}

export function SelectionBar({
  selected,
  hidden,
  canProtect,
  canUnprotect,
  busy,
  actions,
  onClear,
}: {
  selected: number
  /** Selected images the current filter hides. */
  hidden: number
  canProtect: boolean
  canUnprotect: boolean
  busy: boolean
  actions: SelectionActions
  onClear: () => void
}): ReactNode {
  const none = selected === 0
  return (
    <div className="selection-bar" role="toolbar" aria-label="Actions on the selected images">
      <p className="selection-bar__count" id="images-selection-count" aria-live="polite">
        {none ? 'No image selected' : `${plural(selected, 'image')} selected`}
        {hidden > 0 ? (
          <span className="muted"> ({hidden.toLocaleString()} hidden by the filter)</span>
        ) : null}
      </p>
      <div className="selection-bar__actions">
        <button
          type="button"
          className="button button--small"
          disabled={none}
          onClick={actions.remove}
          aria-describedby="images-selection-count"
          title="Preview removing these images as docker rmi would"
        >
          Remove
        </button>
        <button
          type="button"
          className="button button--small button--warn"
          disabled={none}
          onClick={actions.forceRemove}
          aria-describedby="images-selection-count"
          title="Preview docker rmi -f: removes references other images or stopped containers hold"
        >
          Force remove
        </button>
        <button
          type="button"
          className="button button--small button--warn"
          disabled={none}
          onClick={actions.removeWithContainers}
          aria-describedby="images-selection-count"
          title="Preview stopping and removing the containers that use these images, then the images"
        >
          Remove with containers
        </button>
        <span className="selection-bar__divider" aria-hidden="true" />
        <button
          type="button"
          className="button button--small"
          disabled={none || busy || !canProtect}
          onClick={actions.protect}
          aria-describedby="images-selection-count"
          title="Add these images' references to the protected patterns in Settings"
        >
          Protect
        </button>
        <button
          type="button"
          className="button button--small"
          disabled={none || busy || !canUnprotect}
          onClick={actions.unprotect}
          aria-describedby="images-selection-count"
          title="Remove these images' references from the protected patterns in Settings"
        >
          Unprotect
        </button>
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
