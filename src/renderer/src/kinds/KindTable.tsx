/**
 * The virtualized table of the Containers, Volumes and Build cache pages, built as the Images
 * table is (images/ImageTable.tsx explains why): only the rows in view are in the DOM, after a
 * padding as high as the rows above them, and the rendered <tr>s are recycled. A real <table> for
 * assistive technology, with the whole row count (aria-rowcount) and each row's place.
 *
 * Keyboard, from a row's checkbox: ↑/↓ (Home/End, PageUp/PageDown) move between rows, Shift+↑/↓
 * extend the selection, Space toggles.
 */
import { useVirtualizer } from '@tanstack/react-virtual'
import { constructCell, type ReactTable } from '@tanstack/react-table'
import {
  memo,
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type FocusEvent,
  type KeyboardEvent,
  type ReactNode,
} from 'react'
import type { KindTableFeatures, KindTableRow } from './features'
import type { KindRow } from './model'

export const KIND_ROW_HEIGHT = 44
const OVERSCAN = 6

/** What the table says about its columns besides the cells. */
export interface ColumnText {
  titles: Record<string, string>
  hints?: Record<string, string>
  numeric: ReadonlySet<string>
}

export function KindTable<R extends KindRow>({
  table,
  label,
  kind,
  text,
  none,
}: {
  table: ReactTable<KindTableFeatures, R>
  /** The table's accessible name, e.g. "Containers". */
  label: string
  /** The CSS modifier that lays out its columns (`kind-table--containers`). */
  kind: string
  text: ColumnText
  /** Said when the filter hides every row. */
  none: string
}): ReactNode {
  const scrollRef = useRef<HTMLDivElement>(null)
  const rows = table.getRowModel().rows
  const getScrollElement = useCallback(() => scrollRef.current, [])
  const estimateSize = useCallback(() => KIND_ROW_HEIGHT, [])
  const getItemKey = useCallback((index: number) => rows[index]?.id ?? index, [rows])

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read in render by design
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement,
    estimateSize,
    getItemKey,
    overscan: OVERSCAN,
  })
  const items = virtualizer.getVirtualItems()

  // Keyboard moves may target a row that is not rendered yet: scroll, then focus once it is.
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
  }, [focusTarget, items])

  // Recycled rows: the focused checkbox may now show another row; keep focus on the row it had.
  const focused = useRef<string | null>(null)
  function onFocus(event: FocusEvent<HTMLTableSectionElement>): void {
    const id = (event.target as HTMLElement).dataset.rowId
    focused.current = id ?? null
  }
  useLayoutEffect(() => {
    const body = scrollRef.current
    const active = document.activeElement
    if (!focused.current || !(active instanceof HTMLElement) || !body?.contains(active)) return
    if (active.dataset.rowId === focused.current) return
    const target = body.querySelector<HTMLElement>(
      `input[data-row-id="${CSS.escape(focused.current)}"]`,
    )
    if (target) target.focus({ preventScroll: true })
    else active.blur()
  }, [items])

  function moveTo(index: number, extend: boolean, from: KindTableRow<R>): void {
    const position = Math.max(0, Math.min(rows.length - 1, index))
    const target = rows[position]
    if (!target || target.id === from.id) return
    if (extend) {
      if (!from.getIsSelected()) from.toggleSelected(true)
      target.toggleSelected(true)
    }
    virtualizer.scrollToIndex(position, { align: 'auto' })
    setFocusTarget(target.id)
  }

  function onKeyDown(event: KeyboardEvent<HTMLTableSectionElement>): void {
    const rowId = (event.target as HTMLElement).dataset.rowId
    if (!rowId) return
    const position = rows.findIndex((row) => row.id === rowId)
    const row = rows[position]
    if (!row) return
    const page = Math.max(
      1,
      Math.floor((scrollRef.current?.clientHeight ?? 440) / KIND_ROW_HEIGHT) - 1,
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
    }
  }

  const headerGroup = table.getHeaderGroups()[0]!
  let slot = -1

  return (
    <div className={`images-table__scroller kind-table kind-table--${kind}`} ref={scrollRef}>
      <table
        className="images-table"
        aria-label={label}
        aria-rowcount={rows.length + 1}
        data-testid={`${kind}-table`}
      >
        <thead className="images-table__head">
          <tr className="images-table__row images-table__row--head" aria-rowindex={1}>
            {headerGroup.headers.map((header) => {
              const id = header.column.id
              const sorted = header.column.getIsSorted()
              const numeric = text.numeric.has(id)
              const title = text.titles[id]
              return (
                <th
                  key={header.id}
                  scope="col"
                  className={`images-table__cell images-table__cell--${id}${numeric ? ' numeric' : ''}`}
                  aria-sort={
                    sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined
                  }
                  title={text.hints?.[id]}
                >
                  {header.column.getCanSort() && title ? (
                    <button
                      type="button"
                      className="sort-button"
                      onClick={header.column.getToggleSortingHandler()}
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
        <tbody
          className="images-table__body"
          style={{ height: virtualizer.getTotalSize(), paddingTop: items[0]?.start ?? 0 }}
          data-scrolling={virtualizer.isScrolling || undefined}
          onKeyDown={onKeyDown}
          onFocus={onFocus}
        >
          {items.map((item) => {
            const row = rows[item.index]!
            return (
              <KindRowView
                key={`slot-${(slot += 1)}`}
                table={table}
                row={row}
                rowIndex={item.index + 2}
                selected={row.getIsSelected()}
                numeric={text.numeric}
              />
            )
          })}
        </tbody>
      </table>
      {rows.length === 0 ? (
        <p className="images-table__none" role="status">
          {none}
        </p>
      ) : null}
    </div>
  )
}

type RowViewProps<R extends KindRow> = {
  table: ReactTable<KindTableFeatures, R>
  row: KindTableRow<R>
  rowIndex: number
  /** Read by the cells through the row; a prop so that a change renders the row again. */
  selected: boolean
  numeric: ReadonlySet<string>
}

/** One row. Memoized: a row whose item, place and selection did not change is not rendered. */
const KindRowView = memo(function KindRowView<R extends KindRow>({
  table,
  row,
  rowIndex,
  numeric,
}: RowViewProps<R>): ReactNode {
  return (
    <tr
      className={`images-table__row${row.getIsSelected() ? ' is-selected' : ''}`}
      aria-rowindex={rowIndex}
      data-item-id={row.original.id}
    >
      {table.getAllLeafColumns().map((column) => (
        <td
          key={column.id}
          className={`images-table__cell images-table__cell--${column.id}${numeric.has(column.id) ? ' numeric' : ''}`}
        >
          <table.FlexRender cell={constructCell(column, row, table)} />
        </td>
      ))}
    </tr>
  )
}) as <R extends KindRow>(props: RowViewProps<R>) => ReactNode
