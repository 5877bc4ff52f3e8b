/**
 * Above a kind's table: the text filter, the chip filters and the compose project filter; then
 * the actions on the selection, with what the selection warrants a warning about.
 */
import { useId, type ReactNode } from 'react'
import {
  ChipFilter,
  SearchFilter,
  SelectionToolbar,
  type SelectionAction,
} from '../components/ListToolbar'
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
      <SearchFilter
        label={<>Filter {noun}</>}
        placeholder={placeholder}
        text={text}
        onText={onText}
      />
      <ChipFilter
        label={`Show only ${noun} that are`}
        chips={chips}
        chosen={chosen}
        onChips={onChips}
        text={CHIP_TEXT}
        counts={counts}
      />
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
  actions: SelectionAction[]
  /** What to know about the selection before acting on it. */
  warnings: string[]
  onClear: () => void
}): ReactNode {
  const countId = useId()
  return (
    <div className="kind-selection">
      <SelectionToolbar
        noun={noun}
        selected={selected}
        hidden={hidden}
        countId={countId}
        actions={[actions]}
        onClear={onClear}
      />
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
