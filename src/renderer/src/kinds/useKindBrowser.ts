/**
 * A kind's table and what the page reads from it: the filters as set, the selection (which
 * survives filtering and reloads; rows that went away drop out of it), and the chip counts.
 */
import { useTable, type ColumnDef, type FilterFn, type SortingState } from '@tanstack/react-table'
import { useMemo } from 'react'
import { kindTableFeatures, type KindTableFeatures } from './features'
import { chipCounts, projectsOf, type KindChip, type KindRow } from './model'

export function useKindBrowser<R extends KindRow>({
  rows,
  columns,
  search,
  sorting,
}: {
  rows: R[]
  columns: ColumnDef<KindTableFeatures, R>[]
  search: FilterFn<KindTableFeatures, R>
  sorting: SortingState
}) {
  const table = useTable({
    features: kindTableFeatures,
    columns,
    data: rows,
    getRowId: (row) => row.id,
    globalFilterFn: search,
    getColumnCanGlobalFilter: (column) => column.id === 'name',
    enableSortingRemoval: false,
    initialState: { sorting },
  })

  const byId = useMemo(() => new Map(rows.map((row) => [row.id, row])), [rows])
  const text = typeof table.state.globalFilter === 'string' ? table.state.globalFilter : ''
  const filterOf = (id: string) =>
    table.state.columnFilters.find((filter) => filter.id === id)?.value
  const chips = (filterOf('chips') as KindChip[] | undefined) ?? []
  const project = (filterOf('project') as string | undefined) ?? ''
  const counts = useMemo(() => chipCounts(rows), [rows])
  const projects = useMemo(() => projectsOf(rows), [rows])

  const selectedIds = Object.keys(table.state.rowSelection).filter(
    (id) => table.state.rowSelection[id] && byId.has(id),
  )
  const selected = selectedIds.map((id) => byId.get(id)!)
  const shown = table.getRowModel().rows
  const shownIds = new Set(shown.map((row) => row.id))
  const hidden = selectedIds.filter((id) => !shownIds.has(id)).length

  return {
    table,
    filters: {
      text,
      onText: (value: string) => table.setGlobalFilter(value),
      chosen: chips,
      onChips: (value: KindChip[]) => table.getColumn('chips')?.setFilterValue(value),
      counts,
      projects,
      project,
      onProject: (value: string) => table.getColumn('project')?.setFilterValue(value),
    },
    selected,
    selectedIds,
    shown: shown.length,
    hidden,
    clear: () => table.resetRowSelection(true),
  }
}
