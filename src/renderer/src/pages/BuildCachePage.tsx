/**
 * Build cache: every record BuildKit keeps, which are in use, which share their data with an
 * image (removing those alone frees nothing), and what each frees; the selection opens a cleanup
 * preview, and "Clean up…" previews every record no build is using.
 */
import type { ReactNode } from 'react'
import { formatBytes } from '../../../shared/format'
import type { BuildCacheView } from '../../../shared/kinds'
import { cleanupHash } from '../cleanup/request'
import { plural } from '../describe'
import { CACHE_TEXT, cacheColumns, cacheSearch } from '../kinds/cache-columns'
import { KindBrowserLayout } from '../kinds/KindBrowserLayout'
import { KindPage, type BrowserProps, type KindPageConfig } from '../kinds/KindPage'
import { CACHE_CHIPS, sizeTotal, toCacheRow, type CacheRow } from '../kinds/model'
import { useKindBrowser } from '../kinds/useKindBrowser'

const SORTING = [{ id: 'size', desc: true }]

function BuildCacheBrowser({ rows, sizes }: BrowserProps<CacheRow>): ReactNode {
  const view = useKindBrowser({
    rows,
    columns: cacheColumns,
    search: cacheSearch,
    sorting: SORTING,
  })
  const total = sizeTotal(rows)
  const inUse = rows.filter((row) => row.chips.includes('in-use')).length
  const shared = rows.filter((row) => row.chips.includes('shared')).length
  const selectedShared = view.selected.filter((row) => row.chips.includes('shared')).length
  const selectedInUse = view.selected.filter((row) => row.chips.includes('in-use')).length

  const warnings: string[] = []
  if (selectedShared > 0) {
    warnings.push(
      `${plural(selectedShared, 'selected record shares', 'selected records share')} ${selectedShared === 1 ? 'its' : 'their'} data with an image: removing ${selectedShared === 1 ? 'it' : 'them'} frees nothing until that image goes too. The preview says what really comes back.`,
    )
  }
  if (selectedInUse > 0) {
    warnings.push(
      `${plural(selectedInUse, 'selected record is', 'selected records are')} in use by a build and will stay.`,
    )
  }

  return (
    <KindBrowserLayout
      view={view}
      total={rows.length}
      testId="build-cache-summary"
      summary={
        <>
          <strong>{plural(rows.length, 'build cache record')}</strong> · {inUse.toLocaleString()} in
          use · {shared.toLocaleString()} shared with images · {formatBytes(total.bytes)} in total
        </>
      }
      sizes={sizes}
      filters={{
        noun: 'build cache records',
        placeholder: 'Filter by ID, description or type…',
        chips: CACHE_CHIPS,
      }}
      selection={{
        noun: ['build cache record', 'build cache records'],
        warnings,
        actions: [
          {
            label: 'Remove',
            title: 'Preview removing these build cache records (and what they free)',
            onClick: () => {
              window.location.hash = cleanupHash({
                kind: 'selection',
                targets: { cacheRecords: view.selectedIds },
              })
            },
          },
        ],
      }}
      table={{
        label: 'Build cache',
        kind: 'build-cache',
        text: CACHE_TEXT,
        none: 'No build cache record matches the filter.',
      }}
    />
  )
}

const CONFIG: KindPageConfig<BuildCacheView, CacheRow> = {
  kind: 'build-cache',
  title: 'Build cache',
  subtitle: 'What BuildKit keeps to make builds fast, and what removing it frees.',
  hostSubtitle: (host) => `Build cache records kept by the engine at ${host}.`,
  load: (client) => client.listBuildCache(),
  toRow: toCacheRow,
  cleanUp: {
    href: cleanupHash({ kind: 'selection', targets: { buildCache: true } }),
    label: 'Clean up…',
    title: 'Preview removing every build cache record no build is using',
  },
  empty: {
    title: 'This engine has no build cache',
    body: (
      <p>
        Builds made with BuildKit leave records here: the layers and sources they reuse. Records no
        build is using are what a cleanup can remove.
      </p>
    ),
  },
  Browser: BuildCacheBrowser,
}

export function BuildCachePage(): ReactNode {
  return <KindPage config={CONFIG} />
}
