/**
 * Volumes: every volume the engine keeps, named or anonymous, what mounts it and its compose
 * project. Named volumes hold data someone chose to keep: no policy removes them, and the preview
 * of a selection that does asks for a deliberate confirmation naming each one.
 */
import type { ReactNode } from 'react'
import { formatBytes } from '../../../shared/format'
import type { VolumeView } from '../../../shared/kinds'
import { cleanupHash } from '../cleanup/request'
import { plural } from '../describe'
import { KindBrowserLayout } from '../kinds/KindBrowserLayout'
import { KindPage, type BrowserProps, type KindPageConfig } from '../kinds/KindPage'
import { sizeTotal, toVolumeRow, VOLUME_CHIPS, type VolumeRow } from '../kinds/model'
import { useKindBrowser } from '../kinds/useKindBrowser'
import { VOLUME_TEXT, volumeColumns, volumeSearch } from '../kinds/volume-columns'

const SORTING = [{ id: 'size', desc: true }]

function VolumesBrowser({ rows, sizes }: BrowserProps<VolumeRow>): ReactNode {
  const view = useKindBrowser({
    rows,
    columns: volumeColumns,
    search: volumeSearch,
    sorting: SORTING,
  })
  const unused = rows.filter((row) => row.chips.includes('unused')).length
  const anonymous = rows.filter((row) => row.chips.includes('anonymous')).length
  const total = sizeTotal(rows)
  const named = view.selected.filter((row) => row.chips.includes('named')).length
  const mounted = view.selected.filter((row) => row.chips.includes('in-use')).length

  const open = (withContainers: boolean): void => {
    window.location.hash = cleanupHash({
      kind: 'selection',
      targets: { volumes: view.selectedIds, withContainers },
    })
  }

  const warnings: string[] = []
  if (named > 0) {
    warnings.push(
      `${plural(named, 'selected volume is', 'selected volumes are')} named: ${named === 1 ? 'its' : 'their'} files are someone’s data and cannot be brought back. The preview names each one and asks you to confirm.`,
    )
  }
  if (mounted > 0) {
    warnings.push(
      `${plural(mounted, 'selected volume is', 'selected volumes are')} mounted by a container: Remove leaves ${mounted === 1 ? 'it' : 'them'}; Remove with containers removes those containers first (running ones are stopped).`,
    )
  }

  return (
    <KindBrowserLayout
      view={view}
      total={rows.length}
      testId="volumes-summary"
      summary={
        <>
          <strong>{plural(rows.length, 'volume')}</strong> · {anonymous.toLocaleString()} anonymous
          · {unused.toLocaleString()} unused · {formatBytes(total.bytes)} in total
        </>
      }
      sizes={sizes}
      filters={{
        noun: 'volumes',
        placeholder: 'Filter by name, container, project or driver…',
        chips: VOLUME_CHIPS,
      }}
      selection={{
        noun: ['volume', 'volumes'],
        warnings,
        actions: [
          {
            label: 'Remove',
            title: 'Preview removing these volumes as docker volume rm would: mounted ones stay',
            onClick: () => open(false),
          },
          {
            label: 'Remove with containers',
            title: 'Preview removing the containers that mount these volumes, then the volumes',
            onClick: () => open(true),
            tone: 'warn',
          },
        ],
      }}
      table={{
        label: 'Volumes',
        kind: 'volumes',
        text: VOLUME_TEXT,
        none: 'No volume matches the filter.',
      }}
    />
  )
}

const CONFIG: KindPageConfig<VolumeView, VolumeRow> = {
  kind: 'volume',
  title: 'Volumes',
  subtitle: 'Every volume the engine keeps, and what mounts it.',
  hostSubtitle: (host) => `Volumes kept by the engine at ${host}, named and anonymous.`,
  load: (client) => client.listVolumes(),
  toRow: toVolumeRow,
  cleanUp: {
    href: cleanupHash({ kind: 'selection', targets: { unusedVolumes: true } }),
    label: 'Clean up…',
    title: 'Preview removing the anonymous volumes no container mounts (never named ones)',
  },
  empty: {
    title: 'This engine has no volumes',
    body: (
      <p>
        Volumes appear here with their size, the containers that mount them and their compose
        project. Anonymous ones no container mounts are what a cleanup can safely remove.
      </p>
    ),
  },
  Browser: VolumesBrowser,
}

export function VolumesPage(): ReactNode {
  return <KindPage config={CONFIG} />
}
