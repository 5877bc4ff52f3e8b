/**
 * The Images table's columns for TanStack Table: how each column sorts, filters and renders. The
 * features it registers (sorting, filtering, row selection, expansion) are in ./features.
 */
import { createColumnHelper, type FilterFn, type SortFn } from '@tanstack/react-table'
import {
  BytesCell,
  ChevronIcon,
  CreatedCell,
  LastUsedCell,
  ReferenceCell,
  StatusChips,
} from './cells'
import type { ImageTableFeatures } from './features'
import { SelectAllCheckbox } from './SelectAllCheckbox'
import { searchTextOf, statusRank, type ImageRow, type ImageStatus } from './model'
import { onFirstUse } from '../intl'

// The features live in ./features (SelectAllCheckbox needs their type too); re-exported here for
// the table and the page, which take them together with the columns.
export { imageTableFeatures, type ImageTableFeatures, type ImageTableRow } from './features'

const collator = onFirstUse(
  () => new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' }),
)

const byNumber: SortFn<ImageTableFeatures, ImageRow> = (a, b, id) =>
  a.getValue<number>(id) - b.getValue<number>(id)

const byText: SortFn<ImageTableFeatures, ImageRow> = (a, b, id) =>
  collator().compare(a.getValue<string>(id), b.getValue<string>(id))

/** The text box: matches references, the ID and container names (built once per row). */
export const searchFilter: FilterFn<ImageTableFeatures, ImageRow> = (row, _columnId, value) =>
  searchTextOf(row.original).includes(String(value).trim().toLowerCase())
searchFilter.autoRemove = (value) => typeof value !== 'string' || value.trim() === ''

/** The status buttons: rows with any of the chosen statuses. */
const statusFilter: FilterFn<ImageTableFeatures, ImageRow> = (row, _columnId, value) =>
  (value as ImageStatus[]).some((status) => row.original.statuses.includes(status))
statusFilter.autoRemove = (value) => !Array.isArray(value) || value.length === 0

const helper = createColumnHelper<ImageTableFeatures, ImageRow>()

const DECIMAL_NOTE = 'Decimal units: 1 MB = 1,000,000 bytes, as Docker reports sizes.'

/** Column headers as text (for the sort buttons and their accessible names). */
export const COLUMN_TITLES: Record<string, string> = {
  reference: 'Repository:tag',
  id: 'Image ID',
  created: 'Created',
  size: 'Size',
  unique: 'Unique',
  shared: 'Shared',
  lastUsed: 'Last used',
  status: 'Status',
}

export const COLUMN_HINTS: Record<string, string> = {
  size: `Bytes of the whole image, every layer counted. ${DECIMAL_NOTE}`,
  unique: `Bytes in layers no other image or container holds: what removing this image alone frees. ${DECIMAL_NOTE}`,
  shared: `Size minus unique: bytes in layers other images or containers hold too. ${DECIMAL_NOTE}`,
  lastUsed: 'When a container (or a child image) last used it, as Drydock has seen.',
}

/** Right-aligned columns (numbers). */
export const NUMERIC_COLUMNS = new Set(['size', 'unique', 'shared'])

export const imageColumns = helper.columns([
  helper.display({
    id: 'select',
    header: ({ table }) => <SelectAllCheckbox table={table} />,
    cell: ({ row }) => (
      <input
        type="checkbox"
        className="images-table__checkbox"
        checked={row.getIsSelected()}
        onChange={row.getToggleSelectedHandler()}
        aria-label={`Select ${row.original.reference} (${row.original.shortId})`}
        data-row-id={row.id}
        data-control="select"
      />
    ),
  }),
  helper.display({
    id: 'expand',
    header: () => <span className="visually-hidden">Details</span>,
    cell: ({ row }) => (
      <button
        type="button"
        className="icon-button images-table__expand"
        data-control="expand"
        aria-expanded={row.getIsExpanded()}
        aria-label={`Details of ${row.original.reference} (${row.original.shortId})`}
        onClick={() => row.toggleExpanded()}
      >
        <ChevronIcon open={row.getIsExpanded()} />
      </button>
    ),
  }),
  helper.accessor((row) => row.reference, {
    id: 'reference',
    header: COLUMN_TITLES.reference,
    sortFn: byText,
    cell: ({ row, table }) => (
      <ReferenceCell row={row.original} first={table.getRowModel().rows[0]?.id === row.id} />
    ),
  }),
  helper.accessor((row) => row.shortId, {
    id: 'id',
    header: COLUMN_TITLES.id,
    sortFn: byText,
    cell: ({ row }) => (
      <span className="mono" title={row.original.image.id}>
        {row.original.shortId}
      </span>
    ),
  }),
  helper.accessor((row) => row.createdAt, {
    id: 'created',
    header: COLUMN_TITLES.created,
    sortFn: byNumber,
    sortDescFirst: true,
    cell: ({ row }) => <CreatedCell at={row.original.image.created} />,
  }),
  helper.accessor((row) => row.image.size, {
    id: 'size',
    header: COLUMN_TITLES.size,
    sortFn: byNumber,
    sortDescFirst: true,
    cell: ({ getValue }) => <BytesCell bytes={getValue()} />,
  }),
  helper.accessor((row) => row.image.uniqueSize, {
    id: 'unique',
    header: COLUMN_TITLES.unique,
    sortFn: byNumber,
    sortDescFirst: true,
    cell: ({ getValue }) => <BytesCell bytes={getValue()} />,
  }),
  helper.accessor((row) => row.sharedSize, {
    id: 'shared',
    header: COLUMN_TITLES.shared,
    sortFn: byNumber,
    sortDescFirst: true,
    cell: ({ getValue }) => <BytesCell bytes={getValue()} />,
  }),
  helper.accessor((row) => row.lastUsedAt, {
    id: 'lastUsed',
    header: COLUMN_TITLES.lastUsed,
    sortFn: byNumber,
    sortDescFirst: true,
    cell: ({ row }) => <LastUsedCell image={row.original.image} />,
  }),
  helper.accessor((row) => statusRank(row.statuses), {
    id: 'status',
    header: COLUMN_TITLES.status,
    sortFn: byNumber,
    sortDescFirst: true,
    filterFn: statusFilter,
    cell: ({ row }) => <StatusChips statuses={row.original.statuses} />,
  }),
])
