/**
 * Images: every image the engine stores, what uses it and what it shares, in a table that stays
 * smooth with ten thousand rows; the selection opens a cleanup preview or changes protection.
 */
import { useTable } from '@tanstack/react-table'
import { useCallback, useMemo, useState, type ReactNode } from 'react'
import { formatBytes } from '../../../shared/format'
import type { ImageView } from '../../../shared/images'
import { cleanupHash } from '../cleanup/request'
import { useClient } from '../client-context'
import { EmptyState } from '../components/EmptyState'
import { ErrorBanner } from '../components/ErrorBanner'
import { ImagesIcon } from '../components/Icons'
import { ConnectedPage, ListFrame, type Connected } from '../components/ListPage'
import { describeHost, plural } from '../describe'
import { useAsync } from '../hooks/useAsync'
import { useNow } from '../hooks/useNow'
import { NowContext } from '../images/cells'
import { imageColumns, imageTableFeatures, searchFilter } from '../images/columns'
import { ImageTable } from '../images/ImageTable'
import { ImagesFilters, SelectionBar } from '../images/ImagesToolbar'
import { STATUSES, type ImageRow, type ImageStatus } from '../images/model'
import { protectionEntries, withoutProtected, withProtected } from '../images/protection'
import { useInventory } from '../images/useInventory'
import '../images/images.css'

const TITLE = 'Images'
const SUBTITLE = 'Every image the engine stores, what uses it, and what removing it frees.'
const NO_ROWS: ImageRow[] = []

export function ImagesPage(): ReactNode {
  return (
    <ConnectedPage title={TITLE} subtitle={SUBTITLE}>
      {/* A new connection (a reconnect, another host) reads the inventory afresh. */}
      {(connection) => <ImagesInventory key={connection.since} connection={connection} />}
    </ConnectedPage>
  )
}

function ImagesInventory({ connection }: { connection: Connected }): ReactNode {
  const client = useClient()
  const { inventory, refreshing, refreshError, reload } = useInventory(client)
  return (
    <ListFrame
      title={TITLE}
      subtitle={`Images stored by the engine at ${describeHost(connection.host)}.`}
      cleanUp={{
        href: cleanupHash({ kind: 'policy', policy: { kind: 'unused' } }),
        label: 'Clean up…',
        title: 'Preview removing every image no container uses',
      }}
      list={inventory}
      refreshing={refreshing}
      refreshError={refreshError}
      reload={reload}
      failed={{
        read: 'Could not read the image inventory',
        refresh: 'Could not refresh the image inventory; showing the last one read',
      }}
    >
      {inventory.status !== 'ready' ? null : inventory.rows.length === 0 ? (
        <EmptyState icon={<ImagesIcon size={28} />} title="This engine has no images">
          <p>
            Images you pull or build appear here with their tags, size, the layers they share and
            the containers that use them.
          </p>
        </EmptyState>
      ) : (
        <ImagesBrowser rows={inventory.rows} byId={inventory.byId} reload={reload} />
      )}
    </ListFrame>
  )
}

function ImagesBrowser({
  rows,
  byId,
  reload,
}: {
  rows: ImageRow[]
  byId: ReadonlyMap<string, ImageRow>
  reload: () => void
}): ReactNode {
  const client = useClient()
  const now = useNow(60_000)
  const settings = useAsync(useCallback(() => client.getSettings(), [client]))
  const [busy, setBusy] = useState(false)
  const [actionError, setActionError] = useState<unknown>(null)
  const [notice, setNotice] = useState<string | null>(null)

  const table = useTable({
    features: imageTableFeatures,
    columns: imageColumns,
    data: rows.length > 0 ? rows : NO_ROWS,
    getRowId: (row) => row.image.id,
    getRowCanExpand: () => true,
    globalFilterFn: searchFilter,
    getColumnCanGlobalFilter: (column) => column.id === 'reference',
    enableSortingRemoval: false,
    autoResetExpanded: false,
    initialState: { sorting: [{ id: 'unique', desc: true }] },
  })

  const text = typeof table.state.globalFilter === 'string' ? table.state.globalFilter : ''
  const statusFilter =
    (table.state.columnFilters.find((filter) => filter.id === 'status')?.value as
      ImageStatus[] | undefined) ?? []

  const counts = useMemo(() => {
    const result = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<ImageStatus, number>
    for (const row of rows) for (const status of row.statuses) result[status] += 1
    return result
  }, [rows])

  const totals = useMemo(
    () => ({
      size: rows.reduce((sum, row) => sum + row.image.size, 0),
      unique: rows.reduce((sum, row) => sum + row.image.uniqueSize, 0),
    }),
    [rows],
  )

  // Selection survives filtering and reloads; images that went away drop out of it.
  const selectedIds = Object.keys(table.state.rowSelection).filter(
    (id) => table.state.rowSelection[id] && byId.has(id),
  )
  const selected = selectedIds.map((id) => byId.get(id)!.image)
  const shown = table.getRowModel().rows
  const shownIds = useMemo(() => new Set(shown.map((row) => row.id)), [shown])
  const hidden = selectedIds.filter((id) => !shownIds.has(id)).length

  const patterns = settings.status === 'ready' ? settings.value.protectedPatterns : []
  const listed = (image: ImageView) =>
    protectionEntries(image).some((entry) => patterns.includes(entry))
  const canProtect = selected.some((image) => !image.protected && !listed(image))
  const canUnprotect = selected.some((image) => image.protected || listed(image))

  function openCleanup(force: boolean, withContainers: boolean): void {
    window.location.hash = cleanupHash({
      kind: 'selection',
      targets: { images: selectedIds, force, withContainers },
    })
  }

  async function changeProtection(protect: boolean): Promise<void> {
    setBusy(true)
    setActionError(null)
    setNotice(null)
    try {
      // Read the settings afresh: another window (or the CLI) may have changed them.
      const current = await client.getSettings()
      const next = protect
        ? withProtected(current.protectedPatterns, selected)
        : withoutProtected(current.protectedPatterns, selected)
      await client.updateSettings({ protectedPatterns: next })
      setNotice(
        protect
          ? `Protected ${plural(selected.length, 'image')}: no cleanup will touch ${selected.length === 1 ? 'it' : 'them'}.`
          : `Removed the protection of ${plural(selected.length, 'image')}. A pattern or label in Settings may still protect some.`,
      )
      settings.reload()
      reload()
    } catch (error) {
      setActionError(error)
    } finally {
      setBusy(false)
    }
  }

  return (
    <NowContext value={now}>
      <div className="images-summary" data-testid="images-summary">
        <p>
          <strong>{plural(rows.length, 'image')}</strong> · {formatBytes(totals.size)} in total
          (shared layers counted in each image) · {formatBytes(totals.unique)} unique
          {shown.length !== rows.length ? <> · showing {shown.length.toLocaleString()}</> : null}
        </p>
        <p className="muted images-summary__legend">
          Sizes in decimal units (1 GB = 1,000,000,000 bytes), as Docker reports them. Unique: what
          removing the image alone frees. Shared: size minus unique.
        </p>
      </div>
      <ImagesFilters
        text={text}
        onText={(value) => table.setGlobalFilter(value)}
        statuses={statusFilter}
        onStatuses={(value) => table.getColumn('status')?.setFilterValue(value)}
        counts={counts}
      />
      <SelectionBar
        selected={selectedIds.length}
        hidden={hidden}
        canProtect={canProtect}
        canUnprotect={canUnprotect}
        busy={busy}
        onClear={() => table.resetRowSelection(true)}
        actions={{
          remove: () => openCleanup(false, false),
          forceRemove: () => openCleanup(true, false),
          removeWithContainers: () => openCleanup(false, true),
          protect: () => void changeProtection(true),
          unprotect: () => void changeProtection(false),
        }}
      />
      {actionError ? (
        <ErrorBanner
          title="Could not change the protected patterns"
          error={actionError}
          onDismiss={() => setActionError(null)}
        />
      ) : null}
      {notice ? (
        <p className="images-notice" role="status">
          {notice}
        </p>
      ) : null}
      <ImageTable table={table} byId={byId} />
    </NowContext>
  )
}
