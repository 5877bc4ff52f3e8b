/**
 * Containers: every container the engine keeps, running or not, with its writable layer's size
 * and its compose project; the selection opens a cleanup preview (Force remove stops running
 * ones first), and "Clean up…" previews every stopped container.
 */
import type { ReactNode } from 'react'
import { formatBytes } from '../../../shared/format'
import type { ContainerView } from '../../../shared/kinds'
import { cleanupHash } from '../cleanup/request'
import { plural } from '../describe'
import { KindBrowserLayout } from '../kinds/KindBrowserLayout'
import { CONTAINER_TEXT, containerColumns, containerSearch } from '../kinds/container-columns'
import { KindPage, type BrowserProps, type KindPageConfig } from '../kinds/KindPage'
import { CONTAINER_CHIPS, sizeTotal, toContainerRow, type ContainerRow } from '../kinds/model'
import { useKindBrowser } from '../kinds/useKindBrowser'

const SORTING = [{ id: 'created', desc: true }]

function ContainersBrowser({ rows, sizes }: BrowserProps<ContainerRow>): ReactNode {
  const view = useKindBrowser({
    rows,
    columns: containerColumns,
    search: containerSearch,
    sorting: SORTING,
  })
  const running = rows.filter((row) => row.chips.includes('running')).length
  const total = sizeTotal(rows)
  const selectedRunning = view.selected.filter((row) => row.chips.includes('running')).length

  const open = (force: boolean): void => {
    window.location.hash = cleanupHash({
      kind: 'selection',
      targets: { containers: view.selectedIds, force },
    })
  }

  const warnings: string[] = []
  if (selectedRunning > 0) {
    warnings.push(
      `${plural(selectedRunning, 'selected container is', 'selected containers are')} running: Remove leaves ${selectedRunning === 1 ? 'it' : 'them'} alone; Force remove stops ${selectedRunning === 1 ? 'it' : 'them'} first, ending what ${selectedRunning === 1 ? 'it does' : 'they do'}.`,
    )
  }
  if (view.selected.some((row) => row.container.volumes.length > 0)) {
    warnings.push(
      'Volumes the selected containers mount stay: remove them from the Volumes page once nothing mounts them.',
    )
  }

  return (
    <KindBrowserLayout
      view={view}
      total={rows.length}
      testId="containers-summary"
      summary={
        <>
          <strong>{plural(rows.length, 'container')}</strong> · {running.toLocaleString()} running ·{' '}
          {formatBytes(total.bytes)} in writable layers
        </>
      }
      sizes={sizes}
      filters={{
        noun: 'containers',
        placeholder: 'Filter by name, ID, image, project or volume…',
        chips: CONTAINER_CHIPS,
      }}
      selection={{
        noun: ['container', 'containers'],
        warnings,
        actions: [
          {
            label: 'Remove',
            title: 'Preview removing these containers as docker rm would: running ones stay',
            onClick: () => open(false),
          },
          {
            label: 'Force remove',
            title: 'Preview docker rm -f: running containers are stopped first, then removed',
            onClick: () => open(true),
            tone: 'warn',
          },
        ],
      }}
      table={{
        label: 'Containers',
        kind: 'containers',
        text: CONTAINER_TEXT,
        none: 'No container matches the filter.',
      }}
    />
  )
}

const CONFIG: KindPageConfig<ContainerView, ContainerRow> = {
  kind: 'container',
  title: 'Containers',
  subtitle: 'Every container the engine keeps, and what removing it frees.',
  hostSubtitle: (host) => `Containers kept by the engine at ${host}, running or not.`,
  load: (client) => client.listContainers(),
  toRow: toContainerRow,
  cleanUp: {
    href: cleanupHash({ kind: 'selection', targets: { stoppedContainers: true } }),
    label: 'Clean up…',
    title: 'Preview removing every container that is not running',
  },
  empty: {
    title: 'This engine has no containers',
    body: (
      <p>
        Containers you create or run appear here with their state, the size of their writable layer,
        their compose project and the volumes they mount.
      </p>
    ),
  },
  Browser: ContainersBrowser,
}

export function ContainersPage(): ReactNode {
  return <KindPage config={CONFIG} />
}
