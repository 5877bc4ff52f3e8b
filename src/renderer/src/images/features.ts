/**
 * The TanStack Table features the Images table registers (sorting, filtering, row selection,
 * expansion), and the types derived from them. A module of its own so that the columns and the
 * components they render (the header checkbox) can share the types without importing each other.
 */
import {
  columnFilteringFeature,
  createFilteredRowModel,
  createSortedRowModel,
  globalFilteringFeature,
  rowExpandingFeature,
  rowSelectionFeature,
  rowSortingFeature,
  tableFeatures,
  type Row,
} from '@tanstack/react-table'
import type { ImageRow } from './model'

export const imageTableFeatures = tableFeatures({
  rowSortingFeature,
  sortedRowModel: createSortedRowModel(),
  columnFilteringFeature,
  globalFilteringFeature,
  filteredRowModel: createFilteredRowModel(),
  rowSelectionFeature,
  rowExpandingFeature,
})

export type ImageTableFeatures = typeof imageTableFeatures
export type ImageTableRow = Row<ImageTableFeatures, ImageRow>
