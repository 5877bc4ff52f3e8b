/**
 * The parts the virtualized tables (images/ImageTable.tsx, kinds/KindTable.tsx) share: the header
 * row with its sort buttons, a row's cells, and the keyboard moves between rows. Each table keeps
 * its own virtualizer, rows and focus handling.
 */
import {
  constructCell,
  type Cell,
  type CellContext,
  type Column,
  type Getter,
  type ReactTable,
  type Row,
  type RowData,
  type rowSortingFeature,
  type Table,
  type TableFeatures,
} from '@tanstack/react-table'
import { useEffect, useState, type KeyboardEvent, type ReactNode, type RefObject } from 'react'

// TanStack types a column's API only for a known feature set, not a generic one: these parts
// see a column through the sorting API, which every table here registers.
type SortableColumn = Column<{ rowSortingFeature: typeof rowSortingFeature }, RowData>

/** What the table says about its columns besides the cells. */
export interface ColumnText {
  titles: Record<string, string>
  hints?: Record<string, string>
  numeric: ReadonlySet<string>
}

/** The header row: a sort button on each sortable column that has a title. */
export function TableHead<TFeatures extends TableFeatures, TData extends RowData>({
  table,
  text,
}: {
  table: ReactTable<TFeatures, TData>
  text: ColumnText
}): ReactNode {
  const headerGroup = table.getHeaderGroups()[0]!
  return (
    <thead className="images-table__head">
      <tr className="images-table__row images-table__row--head" aria-rowindex={1}>
        {headerGroup.headers.map((header) => {
          const column = header.column as unknown as SortableColumn
          const id = column.id
          const sorted = column.getIsSorted()
          const title = text.titles[id]
          return (
            <th
              key={header.id}
              scope="col"
              className={cellClass(id, text.numeric)}
              aria-sort={
                sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined
              }
              title={text.hints?.[id]}
            >
              {column.getCanSort() && title ? (
                <button
                  type="button"
                  className="sort-button"
                  onClick={column.getToggleSortingHandler()}
                >
                  {title}
                  <span
                    className={`sort-button__mark sort-button__mark--${sorted || 'none'}`}
                    aria-hidden="true"
                  />
                </button>
              ) : (
                <table.FlexRender header={header} />
              )}
            </th>
          )
        })}
      </tr>
    </thead>
  )
}

/**
 * A row's cells, for the row's own <tr>. With `only`, the other columns' cells stay empty: a light
 * row, drawn while the table is flicked (images/flick.ts).
 */
export function rowCells<TFeatures extends TableFeatures, TData extends RowData>(
  // Table too, for constructCell: a ReactTable of a known feature set is one, a generic one not.
  table: ReactTable<TFeatures, TData> & Table<TFeatures, TData>,
  row: Row<TFeatures, TData>,
  numeric: ReadonlySet<string>,
  only?: ReadonlySet<string>,
): ReactNode {
  return table.getAllLeafColumns().map((column) => (
    // Keyed by column, not cell ID: a recycled row keeps its cells for the next item.
    <td key={column.id} className={cellClass(column.id, numeric)}>
      {only && !only.has(column.id) ? null : cellContent(column, row, table)}
    </td>
  ))
}

/**
 * A cell's content, from its column's template called as a function: a fast scroll renders ten
 * rows a frame, each cell anew, and TanStack's cells (a new Cell, and cell.getContext()'s memo of
 * closures on each) were two thirds of what a scroll allocated (docs/performance.md). The
 * templates return elements and call no hooks (the components they return do), so they need no
 * fiber of their own; a memo or forwardRef component as a template would need <FlexRender>.
 */
function cellContent<TFeatures extends TableFeatures, TData extends RowData>(
  column: Column<TFeatures, TData>,
  row: Row<TFeatures, TData>,
  table: Table<TFeatures, TData>,
): ReactNode {
  const template = column.columnDef.cell
  if (typeof template !== 'function') return template ?? null
  return template(new LightCellContext(column, row, table)) as ReactNode
}

/** A cell's context without a cell: made only if a template reads it (a getter on the prototype,
 * so every context shares one shape; an object literal's own getter made a shape for each). */
class LightCellContext<
  TFeatures extends TableFeatures,
  TData extends RowData,
> implements CellContext<TFeatures, TData, unknown> {
  constructor(
    readonly column: Column<TFeatures, TData>,
    readonly row: Row<TFeatures, TData>,
    readonly table: Table<TFeatures, TData>,
  ) {}
  get cell(): Cell<TFeatures, TData, unknown> {
    return constructCell(this.column, this.row, this.table)
  }
  // Own functions: templates destructure them.
  readonly getValue: Getter<unknown> = <T,>() => this.row.getValue<T>(this.column.id)
  readonly renderValue: Getter<unknown> = <T,>() => this.row.renderValue<T>(this.column.id)
}

// A column's cells' class, one string per column (per table's set of numeric columns, a module
// constant): a template literal per cell would make a new string every frame.
const cellClasses = new WeakMap<ReadonlySet<string>, Map<string, string>>()
function cellClass(id: string, numeric: ReadonlySet<string>): string {
  let names = cellClasses.get(numeric)
  if (!names) cellClasses.set(numeric, (names = new Map()))
  let name = names.get(id)
  if (name === undefined) {
    name = `images-table__cell images-table__cell--${id}${numeric.has(id) ? ' numeric' : ''}`
    names.set(id, name)
  }
  return name
}

interface SelectableRow {
  id: string
  getIsSelected: () => boolean
  toggleSelected: (value?: boolean) => void
}

/**
 * Keyboard moves from a row's checkbox (its data-row-id): ↑/↓, Home/End and PageUp/PageDown move
 * between rows, Shift+↑/↓ extend the selection. A move may target a row that is not rendered
 * yet: `scrollTo` brings it into view, and it is focused once it is rendered.
 */
export function useRowKeys<R extends SelectableRow>({
  rows,
  scrollRef,
  rowHeight,
  items,
  scrollTo,
  onOtherKey,
}: {
  rows: readonly R[]
  scrollRef: RefObject<HTMLElement | null>
  rowHeight: number
  /** The rendered items: a move's target may appear among them only after a scroll. */
  items: unknown
  scrollTo: (target: R, position: number) => void
  /** A key that is not a move, from the row it was pressed on. */
  onOtherKey?: (event: KeyboardEvent<HTMLElement>, row: R) => void
}): (event: KeyboardEvent<HTMLElement>) => void {
  const [focusTarget, setFocusTarget] = useState<string | null>(null)
  useEffect(() => {
    if (!focusTarget) return
    const box = scrollRef.current?.querySelector<HTMLInputElement>(
      `input[data-row-id="${CSS.escape(focusTarget)}"]`,
    )
    if (box) {
      box.focus()
      setFocusTarget(null)
    }
  }, [focusTarget, items, scrollRef])

  function moveTo(index: number, extend: boolean, from: R): void {
    const position = Math.max(0, Math.min(rows.length - 1, index))
    const target = rows[position]
    if (!target || target.id === from.id) return
    if (extend) {
      if (!from.getIsSelected()) from.toggleSelected(true)
      target.toggleSelected(true)
    }
    scrollTo(target, position)
    setFocusTarget(target.id)
  }

  return (event) => {
    const rowId = (event.target as HTMLElement).dataset.rowId
    if (!rowId) return
    const position = rows.findIndex((row) => row.id === rowId)
    const row = rows[position]
    if (!row) return
    // Ten rows' height before the scroller is laid out.
    const page = Math.max(
      1,
      Math.floor((scrollRef.current?.clientHeight ?? rowHeight * 10) / rowHeight) - 1,
    )
    const moves: Record<string, number> = {
      ArrowDown: position + 1,
      ArrowUp: position - 1,
      PageDown: position + page,
      PageUp: position - page,
      Home: 0,
      End: rows.length - 1,
    }
    if (event.key in moves) {
      event.preventDefault()
      moveTo(moves[event.key]!, event.shiftKey && event.key.startsWith('Arrow'), row)
    } else onOtherKey?.(event, row)
  }
}
