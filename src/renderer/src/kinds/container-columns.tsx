/** The Containers table's columns: how each sorts, filters and renders. */
import { createColumnHelper } from '@tanstack/react-table'
import type { ColumnText } from '../components/DataTable'
import { shortId } from '../../../shared/format'
import { AgeCell, Chips, ProjectCell, SelectAllCell, SelectCell, SizeCell } from './cells'
import {
  byNumber,
  byText,
  chipFilter,
  projectFilter,
  searchFilter,
  type KindTableFeatures,
} from './features'
import { chipRank, type ContainerRow } from './model'

const helper = createColumnHelper<KindTableFeatures, ContainerRow>()

export const containerSearch = searchFilter<ContainerRow>()

export const CONTAINER_TEXT: ColumnText = {
  titles: {
    name: 'Name',
    image: 'Image',
    chips: 'State',
    project: 'Project',
    size: 'Size',
    created: 'Created',
    finished: 'Stopped',
    volumes: 'Volumes',
  },
  hints: {
    size: 'Bytes in its writable layer: what removing it frees, besides its image. Decimal units.',
    finished: 'When it last stopped.',
    project: 'Its compose project (the com.docker.compose.project label).',
  },
  numeric: new Set(['size', 'volumes']),
}

export const containerColumns = helper.columns([
  helper.display({
    id: 'select',
    header: ({ table }) => <SelectAllCell table={table} noun="containers" />,
    cell: ({ row }) => <SelectCell row={row} label={`container ${row.original.name}`} />,
  }),
  helper.accessor((row) => row.name, {
    id: 'name',
    header: CONTAINER_TEXT.titles.name,
    sortFn: byText(),
    cell: ({ row }) => (
      <span className="kind-name" title={`${row.original.name}\nID ${row.original.id}`}>
        <span className="kind-name__main mono">{row.original.name}</span>
      </span>
    ),
  }),
  helper.accessor((row) => row.container.image, {
    id: 'image',
    header: CONTAINER_TEXT.titles.image,
    sortFn: byText(),
    cell: ({ row }) => (
      <span className="mono" title={row.original.container.imageId}>
        {row.original.container.image.startsWith('sha256:')
          ? shortId(row.original.container.image)
          : row.original.container.image}
      </span>
    ),
  }),
  helper.accessor((row) => chipRank(row.chips), {
    id: 'chips',
    header: CONTAINER_TEXT.titles.chips,
    sortFn: byNumber(),
    sortDescFirst: true,
    filterFn: chipFilter(),
    cell: ({ row }) => (
      <span className="kind-state" title={`State: ${row.original.container.state}`}>
        <Chips chips={row.original.chips} />
        {/* The chip says running or stopped; an unusual state (created, paused…) is said too. */}
        {row.original.container.state === 'running' ||
        row.original.container.state === 'exited' ? null : (
          <span className="kind-state__text">{row.original.container.state}</span>
        )}
      </span>
    ),
  }),
  helper.accessor((row) => row.project, {
    id: 'project',
    header: CONTAINER_TEXT.titles.project,
    sortFn: byText(),
    filterFn: projectFilter(),
    cell: ({ row }) => <ProjectCell project={row.original.project} />,
  }),
  helper.accessor((row) => row.size, {
    id: 'size',
    header: CONTAINER_TEXT.titles.size,
    sortFn: byNumber(),
    sortDescFirst: true,
    cell: ({ row }) => <SizeCell bytes={row.original.size} />,
  }),
  helper.accessor((row) => row.createdAt, {
    id: 'created',
    header: CONTAINER_TEXT.titles.created,
    sortFn: byNumber(),
    sortDescFirst: true,
    cell: ({ row }) => <AgeCell at={row.original.container.created} />,
  }),
  helper.accessor((row) => row.finishedAt, {
    id: 'finished',
    header: CONTAINER_TEXT.titles.finished,
    sortFn: byNumber(),
    sortDescFirst: true,
    cell: ({ row }) =>
      row.original.chips.includes('running') ? (
        <span className="muted">running</span>
      ) : (
        <AgeCell at={row.original.container.finishedAt} />
      ),
  }),
  helper.accessor((row) => row.container.volumes.length, {
    id: 'volumes',
    header: CONTAINER_TEXT.titles.volumes,
    sortFn: byNumber(),
    sortDescFirst: true,
    cell: ({ row }) => {
      const volumes = row.original.container.volumes
      return volumes.length === 0 ? (
        <span className="muted">0</span>
      ) : (
        <span title={volumes.map((v) => `${v.name} → ${v.destination}`).join('\n')}>
          {volumes.length}
        </span>
      )
    },
  }),
])
