/**
 * The frame of the Containers, Volumes and Build cache pages: the header (Refresh, the kind's own
 * "Clean up…"), the connection's states, the list's loading, error and empty states, and the age
 * of its sizes. Each page supplies how to read its list and the browser that shows the rows.
 */
import { useCallback, useMemo, type ComponentType, type ReactNode } from 'react'
import type { DrydockClient } from '../../../shared/contract'
import { useClient } from '../client-context'
import { EmptyState } from '../components/EmptyState'
import { ConnectedPage, ListFrame, type Connected } from '../components/ListPage'
import { describeHost } from '../describe'
import { useNow } from '../hooks/useNow'
import { NowContext } from '../images/cells'
import { KindIcon } from './KindIcon'
import type { KindRow } from './model'
import { SizesNote } from './SizesNote'
import { useKindList, type SizedList } from './useKindList'
import type { ItemKind } from './words'
import '../images/images.css'
import './kinds.css'

export interface BrowserProps<R extends KindRow> {
  rows: R[]
  /** The age of the sizes, and whether fresher ones are being measured. */
  sizes: ReactNode
}

export interface KindPageConfig<T, R extends KindRow> {
  kind: ItemKind
  title: string
  subtitle: string
  /** The subtitle once connected. */
  hostSubtitle: (host: string) => string
  load: (client: DrydockClient) => Promise<SizedList<T>>
  toRow: (item: T) => R
  /** The kind's own policy, as a preview ("Clean up…"). */
  cleanUp: { href: string; label: string; title: string }
  empty: { title: string; body: ReactNode }
  Browser: ComponentType<BrowserProps<R>>
}

export function KindPage<T, R extends KindRow>({
  config,
}: {
  config: KindPageConfig<T, R>
}): ReactNode {
  return (
    <ConnectedPage title={config.title} subtitle={config.subtitle}>
      {/* A new connection (a reconnect, another host) reads the list afresh. */}
      {(connection) => <KindList key={connection.since} config={config} connection={connection} />}
    </ConnectedPage>
  )
}

function KindList<T, R extends KindRow>({
  config,
  connection,
}: {
  config: KindPageConfig<T, R>
  connection: Connected
}): ReactNode {
  const client = useClient()
  const { load, toRow, Browser } = config
  const { list, refreshing, refreshError, reload } = useKindList(
    useCallback(() => load(client), [load, client]),
  )
  const now = useNow(30_000)
  const rows = useMemo(
    () => (list.status === 'ready' ? list.value.items.map(toRow) : []),
    [list, toRow],
  )
  const what = config.title.toLowerCase()
  const frame = (
    <ListFrame
      title={config.title}
      subtitle={config.hostSubtitle(describeHost(connection.host))}
      cleanUp={config.cleanUp}
      list={list}
      refreshing={refreshing}
      refreshError={refreshError}
      reload={reload}
      failed={{
        read: `Could not read the ${what}`,
        refresh: `Could not refresh the ${what}; showing the last list read`,
      }}
    >
      {list.status !== 'ready' ? null : list.value.items.length === 0 ? (
        <EmptyState
          icon={<KindIcon kind={config.kind} size={28} />}
          title={config.empty.title}
          testId={`${config.kind}-empty`}
        >
          {config.empty.body}
        </EmptyState>
      ) : (
        <Browser
          rows={rows}
          sizes={
            <SizesNote sizesAt={list.value.sizesAt} refreshing={list.value.refreshing} now={now} />
          }
        />
      )}
    </ListFrame>
  )
  // The clock's context (the cells read it) only once the list is read, as the page always did:
  // wrapping the loading states too would keep the header mounted where it now mounts afresh.
  return list.status === 'ready' ? <NowContext value={now}>{frame}</NowContext> : frame
}
