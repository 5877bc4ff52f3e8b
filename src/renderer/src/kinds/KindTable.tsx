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
import type { ReactTable } from '@tanstack/react-table'
import { memo, useCallback, useLayoutEffect, useRef, type FocusEvent, type ReactNode } from 'react'
import { rowCells, TableHead, useRowKeys, type ColumnText } from '../components/DataTable'
import type { KindTableFeatures, KindTableRow } from './features'
import type { KindRow } from './model'

export const KIND_ROW_HEIGHT = 44
const OVERSCAN = 6

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
  const onKeyDown = useRowKeys({
    rows,
    scrollRef,
    rowHeight: KIND_ROW_HEIGHT,
    items,
    scrollTo: (_target, position) => virtualizer.scrollToIndex(position, { align: 'auto' }),
  })

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

  let slot = -1

  return (
    <div className={`images-table__scroller kind-table kind-table--${kind}`} ref={scrollRef}>
      <table
        className="images-table"
        aria-label={label}
        aria-rowcount={rows.length + 1}
        data-testid={`${kind}-table`}
      >
        <TableHead table={table} text={text} />
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
      {rowCells(table, row, numeric)}
    </tr>
  )
}) as <R extends KindRow>(props: RowViewProps<R>) => ReactNode
