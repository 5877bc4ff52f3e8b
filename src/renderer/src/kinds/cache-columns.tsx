/** The Build cache table's columns: how each sorts, filters and renders. */
import { createColumnHelper } from '@tanstack/react-table'
import type { ColumnText } from '../components/DataTable'
import { AgeCell, Chips, SelectAllCell, SelectCell, SizeCell } from './cells'
import { byNumber, byText, chipFilter, searchFilter, type KindTableFeatures } from './features'
import { chipRank, type CacheRow } from './model'

const helper = createColumnHelper<KindTableFeatures, CacheRow>()

export const cacheSearch = searchFilter<CacheRow>()

export const CACHE_TEXT: ColumnText = {
  titles: {
    id: 'Record ID',
    name: 'Description',
    type: 'Type',
    chips: 'Status',
    size: 'Size',
    lastUsed: 'Last used',
    uses: 'Uses',
    created: 'Created',
  },
  hints: {
    size: 'Bytes of the record. A shared record’s data is also an image’s layer. Decimal units.',
    lastUsed: 'When a build last used it.',
    uses: 'How many builds used it.',
  },
  numeric: new Set(['size', 'uses']),
}

export const cacheColumns = helper.columns([
  helper.display({
    id: 'select',
    header: ({ table }) => <SelectAllCell table={table} noun="build cache records" />,
    cell: ({ row }) => <SelectCell row={row} label={`build cache record ${row.original.id}`} />,
  }),
  helper.accessor((row) => row.id, {
    id: 'id',
    header: CACHE_TEXT.titles.id,
    sortFn: byText(),
    cell: ({ row }) => (
      <span className="mono" title={row.original.id}>
        {row.original.id.slice(0, 12)}
      </span>
    ),
  }),
  helper.accessor((row) => row.name, {
    id: 'name',
    header: CACHE_TEXT.titles.name,
    sortFn: byText(),
    cell: ({ row }) => (
      <span className="mono" title={row.original.name}>
        {row.original.name}
      </span>
    ),
  }),
  helper.accessor((row) => row.record.type, {
    id: 'type',
    header: CACHE_TEXT.titles.type,
    sortFn: byText(),
  }),
  helper.accessor((row) => chipRank(row.chips), {
    id: 'chips',
    header: CACHE_TEXT.titles.chips,
    sortFn: byNumber(),
    sortDescFirst: true,
    filterFn: chipFilter(),
    cell: ({ row }) => <Chips chips={row.original.chips} />,
  }),
  helper.accessor((row) => row.size, {
    id: 'size',
    header: CACHE_TEXT.titles.size,
    sortFn: byNumber(),
    sortDescFirst: true,
    cell: ({ row }) => <SizeCell bytes={row.original.size} />,
  }),
  helper.accessor((row) => row.lastUsedAt, {
    id: 'lastUsed',
    header: CACHE_TEXT.titles.lastUsed,
    sortFn: byNumber(),
    sortDescFirst: true,
    cell: ({ row }) => <AgeCell at={row.original.record.lastUsed} empty="never" />,
  }),
  helper.accessor((row) => row.record.usageCount, {
    id: 'uses',
    header: CACHE_TEXT.titles.uses,
    sortFn: byNumber(),
    sortDescFirst: true,
  }),
  helper.accessor((row) => row.createdAt, {
    id: 'created',
    header: CACHE_TEXT.titles.created,
    sortFn: byNumber(),
    sortDescFirst: true,
    cell: ({ row }) => <AgeCell at={row.original.record.created} />,
  }),
])
