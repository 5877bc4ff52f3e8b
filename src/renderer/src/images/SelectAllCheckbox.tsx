/** The header checkbox: selects every row the filter shows; mixed when only some are. */
import type { ReactNode } from 'react'
import type { Table } from '@tanstack/react-table'
import type { ImageTableFeatures } from './features'
import type { ImageRow } from './model'

export function SelectAllCheckbox({
  table,
}: {
  table: Table<ImageTableFeatures, ImageRow>
}): ReactNode {
  const all = table.getIsAllRowsSelected()
  const some = table.getIsSomeRowsSelected()
  return (
    <input
      type="checkbox"
      className="images-table__checkbox"
      aria-label="Select all shown images"
      checked={all}
      // `indeterminate` is a DOM property only: set it on every render.
      ref={(element) => {
        if (element) element.indeterminate = some && !all
      }}
      onChange={table.getToggleAllRowsSelectedHandler()}
    />
  )
}
