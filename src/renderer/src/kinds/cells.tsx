/** Cells the Containers, Volumes and Build cache tables share: selection, chips, sizes, ages. */
import { use, type ReactNode } from 'react'
import type { Table } from '@tanstack/react-table'
import { formatAge, formatBytes } from '../../../shared/format'
import { bytesTitle, NowContext } from '../images/cells'
import type { KindTableFeatures, KindTableRow } from './features'
import { CHIP_TEXT, type KindChip, type KindRow } from './model'
import { onFirstUse } from '../intl'

const dateTime = onFirstUse(
  () => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }),
)

export function SelectCell<R extends KindRow>({
  row,
  label,
}: {
  row: KindTableRow<R>
  label: string
}): ReactNode {
  return (
    <input
      type="checkbox"
      className="images-table__checkbox"
      checked={row.getIsSelected()}
      onChange={row.getToggleSelectedHandler()}
      aria-label={`Select ${label}`}
      data-row-id={row.id}
      data-control="select"
    />
  )
}

/** The header checkbox: selects every row the filter shows; mixed when only some are. */
export function SelectAllCell<R extends KindRow>({
  table,
  noun,
}: {
  table: Table<KindTableFeatures, R>
  noun: string
}): ReactNode {
  const all = table.getIsAllRowsSelected()
  const some = table.getIsSomeRowsSelected()
  return (
    <input
      type="checkbox"
      className="images-table__checkbox"
      aria-label={`Select all shown ${noun}`}
      checked={all}
      ref={(element) => {
        if (element) element.indeterminate = some && !all
      }}
      onChange={table.getToggleAllRowsSelectedHandler()}
    />
  )
}

export function Chips({ chips }: { chips: readonly KindChip[] }): ReactNode {
  if (chips.length === 0) return <span className="visually-hidden">No flags</span>
  return (
    <span className="chips">
      {chips.map((chip, index) => (
        <span
          key={index}
          className={`chip chip--${chip}`}
          title={CHIP_TEXT[chip].description}
          data-chip={chip}
        >
          {CHIP_TEXT[chip].chip}
        </span>
      ))}
    </span>
  )
}

export function SizeCell({ bytes }: { bytes: number | null }): ReactNode {
  if (bytes === null) {
    return (
      <span className="muted" title="Not measured yet">
        —
      </span>
    )
  }
  return <span title={bytesTitle(bytes)}>{formatBytes(bytes)}</span>
}

export function AgeCell({ at, empty = '—' }: { at: string | null; empty?: string }): ReactNode {
  const now = use(NowContext)
  if (at === null) return <span className="muted">{empty}</span>
  const date = new Date(at)
  return (
    <time dateTime={at} title={dateTime().format(date)}>
      {formatAge(date, now)}
    </time>
  )
}

export function ProjectCell({ project }: { project: string | null }): ReactNode {
  if (project === null) return <span className="muted">—</span>
  return (
    <span className="mono" title={`Compose project ${project}`}>
      {project}
    </span>
  )
}
