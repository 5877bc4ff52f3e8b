/** The Volumes table's columns: how each sorts, filters and renders. */
import { createColumnHelper } from '@tanstack/react-table'
import type { ColumnText } from '../components/DataTable'
import { AgeCell, Chips, ProjectCell, SelectAllCell, SelectCell, SizeCell } from './cells'
import {
  byNumber,
  byText,
  chipFilter,
  projectFilter,
  searchFilter,
  type KindTableFeatures,
} from './features'
import { chipRank, volumeLabel, type VolumeRow } from './model'

const helper = createColumnHelper<KindTableFeatures, VolumeRow>()

export const volumeSearch = searchFilter<VolumeRow>()

export const VOLUME_TEXT: ColumnText = {
  titles: {
    name: 'Name',
    chips: 'Status',
    project: 'Project',
    size: 'Size',
    mountedBy: 'Mounted by',
    driver: 'Driver',
    created: 'Created',
  },
  hints: {
    size: 'Bytes of its contents: what removing it frees. Decimal units.',
    mountedBy: 'The containers (running or stopped) that mount it: while one does, it stays.',
    project: 'Its compose project (the com.docker.compose.project label).',
  },
  numeric: new Set(['size']),
}

export const volumeColumns = helper.columns([
  helper.display({
    id: 'select',
    header: ({ table }) => <SelectAllCell table={table} noun="volumes" />,
    cell: ({ row }) => (
      <SelectCell
        row={row}
        label={`${row.original.volume.anonymous ? 'anonymous volume' : 'volume'} ${volumeLabel(row.original.volume)}`}
      />
    ),
  }),
  helper.accessor((row) => row.name, {
    id: 'name',
    header: VOLUME_TEXT.titles.name,
    sortFn: byText(),
    cell: ({ row }) => (
      <span className="kind-name" title={row.original.name}>
        <span className="kind-name__main mono">{volumeLabel(row.original.volume)}</span>
      </span>
    ),
  }),
  helper.accessor((row) => chipRank(row.chips), {
    id: 'chips',
    header: VOLUME_TEXT.titles.chips,
    sortFn: byNumber(),
    sortDescFirst: true,
    filterFn: chipFilter(),
    cell: ({ row }) => <Chips chips={row.original.chips} />,
  }),
  helper.accessor((row) => row.project, {
    id: 'project',
    header: VOLUME_TEXT.titles.project,
    sortFn: byText(),
    filterFn: projectFilter(),
    cell: ({ row }) => <ProjectCell project={row.original.project} />,
  }),
  helper.accessor((row) => row.size, {
    id: 'size',
    header: VOLUME_TEXT.titles.size,
    sortFn: byNumber(),
    sortDescFirst: true,
    cell: ({ row }) => <SizeCell bytes={row.original.size} />,
  }),
  helper.accessor((row) => row.volume.mountedBy.map((c) => c.name).join(', '), {
    id: 'mountedBy',
    header: VOLUME_TEXT.titles.mountedBy,
    sortFn: byText(),
    cell: ({ row }) => {
      const users = row.original.volume.mountedBy
      if (users.length === 0) return <span className="muted">no container</span>
      const text = users.map((c) => `${c.name} (${c.state})`).join(', ')
      return (
        <span className="mono" title={text}>
          {text}
        </span>
      )
    },
  }),
  helper.accessor((row) => row.volume.driver, {
    id: 'driver',
    header: VOLUME_TEXT.titles.driver,
    sortFn: byText(),
  }),
  helper.accessor((row) => row.createdAt, {
    id: 'created',
    header: VOLUME_TEXT.titles.created,
    sortFn: byNumber(),
    sortDescFirst: true,
    cell: ({ row }) => <AgeCell at={row.original.volume.created} empty="unknown" />,
  }),
])
