/**
 * The virtualized image table. Only the rows in view (plus one each way) are in the DOM, so ten
 * thousand images scroll as smoothly as ten. A real <table> for assistive technology: it announces the
 * whole row count (aria-rowcount) and each row's place in it (aria-rowindex).
 *
 * What keeps a wheel step cheap (scripts/bench/ui-images.mjs measures it):
 * - The rendered rows follow each other in the flow, after a padding as high as the rows above
 *   them; no row has a style of its own. Rows translated each by their own inline transform made
 *   Chromium's style recalculation slower with every step until the next major garbage
 *   collection (4 → 80 ms per step).
 * - Rows are recycled: the n-th rendered row keeps the same <tr> whatever image it shows, so a
 *   scroll changes text and attributes instead of creating a dozen rows, whose garbage made the
 *   collector's incremental steps land in the frames. DOM order stays display order.
 * - While the table is flicked (every row in view new on two frames in a row: ./flick.ts), rows
 *   are light: the reference, the size and the sorted column, no controls. Full rows come back
 *   when two frames in a row keep a row in view, or the scroll stops. Open details stay full.
 *
 * Keyboard, from a row's checkbox: ↑/↓ (Home/End, PageUp/PageDown) move between rows,
 * Shift+↑/↓ extend the selection, Space toggles, → / ← open and close the row's details.
 */
import { useVirtualizer } from '@tanstack/react-virtual'
import {
  memo,
  useCallback,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type FocusEvent,
  type ReactNode,
} from 'react'
import type { ReactTable } from '@tanstack/react-table'
import { rowCells, TableHead, useRowKeys, type ColumnText } from '../components/DataTable'
import {
  COLUMN_HINTS,
  COLUMN_TITLES,
  NUMERIC_COLUMNS,
  type ImageTableFeatures,
  type ImageTableRow,
} from './columns'
import { FlickWatch } from './flick'
import { ImageDetail } from './ImageDetail'
import type { ImageRow } from './model'

/** Fixed height of an image row: only detail panels are measured. */
export const ROW_HEIGHT = 48
const DETAIL_ESTIMATE = 240
// One row beyond each edge: every rendered row is re-rendered, laid out and painted on a fast
// flick's frame, and four each way made that frame a third longer (scripts/bench/ui-images.mjs).
const OVERSCAN = 1
/** What a light row shows besides the sorted column: where the flick is, and how big. */
const FLICK_COLUMNS = ['reference', 'size']

const IMAGE_TEXT: ColumnText = {
  titles: COLUMN_TITLES,
  hints: COLUMN_HINTS,
  numeric: NUMERIC_COLUMNS,
}

type Entry = { kind: 'row'; row: ImageTableRow } | { kind: 'detail'; row: ImageTableRow }

export type ImageTableInstance = ReactTable<ImageTableFeatures, ImageRow>

export function ImageTable({
  table,
  byId,
}: {
  table: ImageTableInstance
  /** Every image by ID, to name children, parents and sharers in the details. */
  byId: ReadonlyMap<string, ImageRow>
}): ReactNode {
  const scrollRef = useRef<HTMLDivElement>(null)
  const rows = table.getRowModel().rows
  const expanded = table.state.expanded

  // Rows and their open detail panels, in display order: what the virtualizer lays out.
  const entries = useMemo(() => {
    const list: Entry[] = []
    for (const row of rows) {
      list.push({ kind: 'row', row })
      if (expanded === true || expanded[row.id]) list.push({ kind: 'detail', row })
    }
    return list
  }, [rows, expanded])

  const indexOfRow = useMemo(() => {
    const map = new Map<string, number>()
    entries.forEach((entry, index) => {
      if (entry.kind === 'row') map.set(entry.row.id, index)
    })
    return map
  }, [entries])

  // Stable between scrolls: a new function makes the virtualizer measure every entry again.
  const estimateSize = useCallback(
    (index: number) => (entries[index]?.kind === 'detail' ? DETAIL_ESTIMATE : ROW_HEIGHT),
    [entries],
  )
  const getItemKey = useCallback(
    (index: number) => {
      const entry = entries[index]!
      return entry.kind === 'row' ? entry.row.id : `${entry.row.id}:detail`
    },
    [entries],
  )
  const getScrollElement = useCallback(() => scrollRef.current, [])

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read in render by design
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement,
    estimateSize,
    getItemKey,
    overscan: OVERSCAN,
  })

  const items = virtualizer.getVirtualItems()

  // One watch for the table's life: it compares each render's rows in view with the last's. It
  // keeps state across renders, read and written here; a render done twice gets the same answer.
  const [flickWatch] = useState(() => new FlickWatch())
  const flicking = flickWatch.observe(virtualizer.range, virtualizer.isScrolling)
  const sortedBy = table.state.sorting[0]?.id
  const flickColumns = useMemo(
    () => new Set(sortedBy ? [...FLICK_COLUMNS, sortedBy] : FLICK_COLUMNS),
    [sortedBy],
  )

  // The keyboard's focus lands on a checkbox: once rendered, and once full.
  const rendered = useMemo(() => ({ items, flicking }), [items, flicking])
  const onKeyDown = useRowKeys({
    rows,
    scrollRef,
    rowHeight: ROW_HEIGHT,
    items: rendered,
    scrollTo: (target) => {
      const index = indexOfRow.get(target.id) ?? 0
      const inView = virtualizer.range
      // A move that scrolls, or one made mid-flick, must land on a full row to focus it.
      if (flicking || !inView || index < inView.startIndex || index > inView.endIndex)
        flickWatch.hold()
      virtualizer.scrollToIndex(index, { align: 'auto' })
    },
    onOtherKey: (event, row) => {
      if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') {
        event.preventDefault()
        row.toggleExpanded(event.key === 'ArrowRight')
      }
    },
  })

  // A recycled <tr> shows another image after a scroll: focus follows the image it was on, to that
  // image's new <tr>, or leaves the table once the image is scrolled out (as an unmounted row did).
  const focused = useRef<{ rowId: string; control: string } | null>(null)
  function onFocus(event: FocusEvent<HTMLTableSectionElement>): void {
    const control = event.target.dataset.control
    const rowId = event.target.closest<HTMLElement>('tr[data-image-id]')?.dataset.imageId
    focused.current = control && rowId ? { rowId, control } : null
  }
  useLayoutEffect(() => {
    const active = document.activeElement
    const body = scrollRef.current?.querySelector('tbody')
    if (!focused.current || !(active instanceof HTMLElement) || !body?.contains(active)) return
    const { rowId, control } = focused.current
    if (active.closest<HTMLElement>('tr[data-image-id]')?.dataset.imageId === rowId) return
    const target = body.querySelector<HTMLElement>(
      `tr[data-image-id="${CSS.escape(rowId)}"] [data-control="${control}"]`,
    )
    if (target) target.focus({ preventScroll: true })
    else active.blur()
  }, [items])

  // Rows take the recycled <tr>s in display order; open details keep their own (keyed by image).
  let slot = -1

  return (
    <div className="images-table__scroller" ref={scrollRef}>
      <table
        className="images-table"
        aria-label="Images"
        aria-rowcount={entries.length + 1}
        data-testid="images-table"
      >
        <TableHead table={table} text={IMAGE_TEXT} />
        <tbody
          className="images-table__body"
          // The rows above the rendered ones, as padding (see the top of this file).
          style={{ height: virtualizer.getTotalSize(), paddingTop: items[0]?.start ?? 0 }}
          // While scrolling, rows passing under the pointer would each restyle for :hover.
          data-scrolling={virtualizer.isScrolling || undefined}
          data-flicking={flicking || undefined}
          // Light rows' empty cells are not worth reading out: full ones follow.
          aria-busy={flicking || undefined}
          onKeyDown={onKeyDown}
          onFocus={onFocus}
        >
          {items.map((item) => {
            const entry = entries[item.index]!
            const { row } = entry
            if (entry.kind === 'row') {
              return (
                <ImageRowView
                  key={`slot-${(slot += 1)}`}
                  table={table}
                  row={row}
                  rowIndex={item.index + 2}
                  selected={row.getIsSelected()}
                  expanded={row.getIsExpanded()}
                  first={row.id === rows[0]?.id}
                  only={flicking ? flickColumns : undefined}
                />
              )
            }
            return (
              <tr
                key={item.key}
                className="images-table__row images-table__row--detail"
                data-index={item.index}
                ref={virtualizer.measureElement}
                aria-rowindex={item.index + 2}
              >
                <td className="images-table__detail-cell">
                  <ImageDetail row={row.original} byId={byId} />
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
      {rows.length === 0 ? (
        <p className="images-table__none" role="status">
          No image matches the filter.
        </p>
      ) : null}
    </div>
  )
}

/** One image's row. Memoized: a row whose image, place and state did not change is not rendered. */
const ImageRowView = memo(function ImageRowView({
  table,
  row,
  rowIndex,
  only,
}: {
  table: ImageTableInstance
  row: ImageTableRow
  rowIndex: number
  /** A light row's columns, while flicking. */
  only: ReadonlySet<string> | undefined
  // Read by the cells through the row; props so that a change renders the row again.
  selected: boolean
  expanded: boolean
  first: boolean
}): ReactNode {
  return (
    <tr
      className={`images-table__row${row.getIsSelected() ? ' is-selected' : ''}`}
      aria-rowindex={rowIndex}
      data-image-id={row.original.image.id}
    >
      {rowCells(table, row, NUMERIC_COLUMNS, only)}
    </tr>
  )
})
