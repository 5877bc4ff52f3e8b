/**
 * The TanStack Table features the Containers, Volumes and Build cache tables register (sorting,
 * filtering, row selection) and the types derived from them, as images/features.ts does for
 * Images (whose rows also expand).
 */
import {
  columnFilteringFeature,
  createFilteredRowModel,
  createSortedRowModel,
  globalFilteringFeature,
  rowSelectionFeature,
  rowSortingFeature,
  tableFeatures,
  type FilterFn,
  type Row,
  type SortFn,
} from '@tanstack/react-table'
import { matchesProject, type KindChip, type KindRow } from './model'
import { onFirstUse } from '../intl'

export const kindTableFeatures = tableFeatures({
  rowSortingFeature,
  sortedRowModel: createSortedRowModel(),
  columnFilteringFeature,
  globalFilteringFeature,
  filteredRowModel: createFilteredRowModel(),
  rowSelectionFeature,
})

export type KindTableFeatures = typeof kindTableFeatures
export type KindTableRow<R extends KindRow> = Row<KindTableFeatures, R>

const collator = onFirstUse(
  () => new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' }),
)

/** Numbers, with "not known yet" (null) below every known one. */
export function byNumber<R extends KindRow>(): SortFn<KindTableFeatures, R> {
  return (a, b, id) => (a.getValue<number | null>(id) ?? -1) - (b.getValue<number | null>(id) ?? -1)
}

export function byText<R extends KindRow>(): SortFn<KindTableFeatures, R> {
  return (a, b, id) =>
    collator().compare(a.getValue<string | null>(id) ?? '', b.getValue<string | null>(id) ?? '')
}

/** The text box: matches what each row's `search` holds. */
export function searchFilter<R extends KindRow>(): FilterFn<KindTableFeatures, R> {
  const filter: FilterFn<KindTableFeatures, R> = (row, _columnId, value) =>
    row.original.search.includes(String(value).trim().toLowerCase())
  filter.autoRemove = (value) => typeof value !== 'string' || value.trim() === ''
  return filter
}

/** The chip buttons: rows with any of the chosen chips. */
export function chipFilter<R extends KindRow>(): FilterFn<KindTableFeatures, R> {
  const filter: FilterFn<KindTableFeatures, R> = (row, _columnId, value) =>
    (value as KindChip[]).some((chip) => row.original.chips.includes(chip))
  filter.autoRemove = (value) => !Array.isArray(value) || value.length === 0
  return filter
}

/** The compose project box: one project, or rows with none. */
export function projectFilter<R extends KindRow>(): FilterFn<KindTableFeatures, R> {
  const filter: FilterFn<KindTableFeatures, R> = (row, _columnId, value) =>
    matchesProject(row.original, String(value))
  filter.autoRemove = (value) => typeof value !== 'string' || value === ''
  return filter
}
