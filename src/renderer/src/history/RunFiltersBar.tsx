/** Trigger, status, engine and date filters for History; every change lands in the hash. */
import { useId, type ReactNode } from 'react'
import { STATUS_LABELS, TRIGGER_LABELS, type RunStatus, type RunTrigger } from './describe-run'
import { hasFilters, NO_FILTERS, rangeError, type RunFilters } from './filters'

export interface EngineOption {
  host: string
  label: string
}

export function RunFiltersBar({
  filters,
  engines,
  onChange,
}: {
  filters: RunFilters
  /** The engines to offer (those Drydock knows and those the runs name). */
  engines: EngineOption[]
  onChange: (filters: RunFilters) => void
}): ReactNode {
  const id = useId()
  const error = rangeError(filters)
  const set = <K extends keyof RunFilters>(name: K, value: RunFilters[K]): void =>
    onChange({ ...filters, [name]: value })

  return (
    <form
      className="filters"
      role="search"
      aria-label="Filter runs"
      onSubmit={(event) => event.preventDefault()}
    >
      <div className="field field--inline">
        <label htmlFor={`${id}-trigger`}>Trigger</label>
        <select
          id={`${id}-trigger`}
          value={filters.trigger ?? ''}
          onChange={(event) => set('trigger', (event.target.value || null) as RunTrigger | null)}
        >
          <option value="">Any trigger</option>
          {Object.entries(TRIGGER_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div className="field field--inline">
        <label htmlFor={`${id}-status`}>Status</label>
        <select
          id={`${id}-status`}
          value={filters.status ?? ''}
          onChange={(event) => set('status', (event.target.value || null) as RunStatus | null)}
        >
          <option value="">Any status</option>
          {Object.entries(STATUS_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div className="field field--inline">
        <label htmlFor={`${id}-engine`}>Engine</label>
        <select
          id={`${id}-engine`}
          className="filters__engine"
          value={filters.engine ?? ''}
          onChange={(event) => set('engine', event.target.value || null)}
        >
          <option value="">Every engine</option>
          {engines.map((engine) => (
            <option key={engine.host} value={engine.host}>
              {engine.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field field--inline">
        <label htmlFor={`${id}-from`}>From</label>
        <input
          id={`${id}-from`}
          type="date"
          value={filters.from ?? ''}
          max={filters.to ?? undefined}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-range-error` : undefined}
          onChange={(event) => set('from', event.target.value || null)}
        />
      </div>
      <div className="field field--inline">
        <label htmlFor={`${id}-to`}>To</label>
        <input
          id={`${id}-to`}
          type="date"
          value={filters.to ?? ''}
          min={filters.from ?? undefined}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-range-error` : undefined}
          onChange={(event) => set('to', event.target.value || null)}
        />
      </div>
      {hasFilters(filters) ? (
        <button
          type="button"
          className="button button--ghost button--small"
          onClick={() => onChange(NO_FILTERS)}
        >
          Clear filters
        </button>
      ) : null}
      {error ? (
        <p className="field__error filters__error" id={`${id}-range-error`} role="alert">
          {error}
        </p>
      ) : null}
    </form>
  )
}
