/**
 * The frame the Images page and the kind pages (Containers, Volumes, Build cache) share: the
 * connection's states until connected, then the header (the page's "Clean up…" and Refresh) and
 * the list's loading and error states. Each page supplies its words and what shows its rows.
 */
import type { ReactNode } from 'react'
import type { ConnectionState } from '../../../shared/contract'
import { useConnectionView } from '../hooks/useConnection'
import { ImagesSkeleton } from '../images/ImagesSkeleton'
import { ConnectionErrorBanner } from './ConnectionErrorBanner'
import { EngineUnreachable } from './EngineUnreachable'
import { ErrorBanner } from './ErrorBanner'
import { RetryIcon } from './Icons'
import { PageHeader } from './PageHeader'
import { Spinner } from './Spinner'

export type Connected = Extract<ConnectionState, { status: 'connected' }>

/** Until the engine is connected, its states; then `children` with the connection. */
export function ConnectedPage({
  title,
  subtitle,
  children,
}: {
  title: string
  subtitle: string
  children: (connection: Connected) => ReactNode
}): ReactNode {
  const { display: state, error, retrying, retry } = useConnectionView()
  if (!state || state.status === 'connecting') {
    return (
      <>
        <PageHeader title={title} subtitle={subtitle} />
        <ConnectionErrorBanner />
        {error && !state ? null : <ImagesSkeleton />}
      </>
    )
  }
  if (state.status === 'unreachable') {
    return (
      <>
        <PageHeader title={title} subtitle={subtitle} />
        <ConnectionErrorBanner />
        <EngineUnreachable state={state} retrying={retrying} onRetry={retry} compact />
      </>
    )
  }
  return children(state)
}

/** Once connected: the header, then the list's loading or error state, or `children` once read. */
export function ListFrame({
  title,
  subtitle,
  cleanUp,
  list,
  refreshing,
  refreshError,
  reload,
  failed,
  children,
}: {
  title: string
  subtitle: string
  /** The page's own policy, as a preview ("Clean up…"). */
  cleanUp: { href: string; label: string; title: string }
  list: { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'ready' }
  refreshing: boolean
  /** A failed reload, with the last list still shown. */
  refreshError: unknown
  reload: () => void
  /** The error banners' titles: the list could not be read, or not read again. */
  failed: { read: string; refresh: string }
  /** The list, shown once read. */
  children: ReactNode
}): ReactNode {
  const header = (
    <PageHeader
      title={title}
      subtitle={subtitle}
      actions={
        <>
          <a className="button button--small" href={cleanUp.href} title={cleanUp.title}>
            {cleanUp.label}
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
        <ErrorBanner title={failed.read} error={list.error} onRetry={reload} busy={refreshing} />
      </>
    )
  }
  return (
    <>
      {header}
      <ConnectionErrorBanner />
      {refreshError ? (
        <ErrorBanner
          title={failed.refresh}
          error={refreshError}
          onRetry={reload}
          busy={refreshing}
        />
      ) : null}
      {children}
    </>
  )
}
