/**
 * The frame of the Containers, Volumes and Build cache pages: the header (Refresh, the kind's own
 * "Clean up…"), the connection's states, the list's loading, error and empty states, and the age
 * of its sizes. Each page supplies how to read its list and the browser that shows the rows.
 */
import { useCallback, useMemo, type ComponentType, type ReactNode } from 'react'
import type { ConnectionState, DrydockClient } from '../../../shared/contract'
import { useClient } from '../client-context'
import { ConnectionErrorBanner } from '../components/ConnectionErrorBanner'
import { EmptyState } from '../components/EmptyState'
import { EngineUnreachable } from '../components/EngineUnreachable'
import { ErrorBanner } from '../components/ErrorBanner'
import { RetryIcon } from '../components/Icons'
import { PageHeader } from '../components/PageHeader'
import { Spinner } from '../components/Spinner'
import { describeHost } from '../describe'
import { useConnectionView } from '../hooks/useConnection'
import { useNow } from '../hooks/useNow'
import { NowContext } from '../images/cells'
import { ImagesSkeleton } from '../images/ImagesSkeleton'
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
  const { display: state, error, retrying, retry } = useConnectionView()
  if (!state || state.status === 'connecting') {
    return (
      <>
        <PageHeader title={config.title} subtitle={config.subtitle} />
        <ConnectionErrorBanner />
        {error && !state ? null : <ImagesSkeleton />}
      </>
    )
  }
  if (state.status === 'unreachable') {
    return (
      <>
        <PageHeader title={config.title} subtitle={config.subtitle} />
        <ConnectionErrorBanner />
        <EngineUnreachable state={state} retrying={retrying} onRetry={retry} compact />
      </>
    )
  }
  // A new connection (a reconnect, another host) reads the list afresh.
  return <KindList key={state.since} config={config} connection={state} />
}

type Connected = Extract<ConnectionState, { status: 'connected' }>

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
  const header = (
    <PageHeader
      title={config.title}
      subtitle={config.hostSubtitle(describeHost(connection.host))}
      actions={
        <>
          <a
            className="button button--small"
            href={config.cleanUp.href}
            title={config.cleanUp.title}
          >
            {config.cleanUp.label}
          </a>
          <button
            type="button"
            className="button button--small"
            aria-disabled={refreshing || undefined}
            onClick={() => {
              if (!refreshing) reload()
            }}
          >
            {refreshing ? <Spinner size={13} /> : <RetryIcon size={14} />}
            {refreshing ? 'Refreshing…' : 'Refresh'}
          </button>
        </>
      }
    />
  )

  if (list.status === 'loading') {
    return (
      <>
        {header}
        <ConnectionErrorBanner />
        <ImagesSkeleton />
      </>
    )
  }
  if (list.status === 'error') {
    return (
      <>
        {header}
        <ConnectionErrorBanner />
        <ErrorBanner
          title={`Could not read the ${config.title.toLowerCase()}`}
          error={list.error}
          onRetry={reload}
          busy={refreshing}
        />
      </>
    )
  }
  const { items, sizesAt, refreshing: measuring } = list.value
  const sizes = <SizesNote sizesAt={sizesAt} refreshing={measuring} now={now} />
  return (
    <NowContext value={now}>
      {header}
      <ConnectionErrorBanner />
      {refreshError ? (
        <ErrorBanner
          title={`Could not refresh the ${config.title.toLowerCase()}; showing the last list read`}
          error={refreshError}
          onRetry={reload}
          busy={refreshing}
        />
      ) : null}
      {items.length === 0 ? (
        <EmptyState
          icon={<KindIcon kind={config.kind} size={28} />}
          title={config.empty.title}
          testId={`${config.kind}-empty`}
        >
          {config.empty.body}
        </EmptyState>
      ) : (
        <Browser rows={rows} sizes={sizes} />
      )}
    </NowContext>
  )
}
