import type { ReactNode } from 'react'
import { EmptyState } from '../components/EmptyState'
import { LinkOffIcon } from '../components/Icons'
import { PageHeader } from '../components/PageHeader'
import { hrefFor } from '../routes'

/** A hash that names no page: say so, and offer the way back. */
export function NotFoundPage({ path }: { path: string }): ReactNode {
  return (
    <>
      <PageHeader title="Page not found" />
      <EmptyState
        icon={<LinkOffIcon size={28} />}
        title={`Drydock has no page called “${path}”`}
        actions={
          <a className="button button--primary" href={hrefFor('dashboard')}>
            Go to the dashboard
          </a>
        }
      >
        <p>The link may be from a newer or older version of Drydock.</p>
      </EmptyState>
    </>
  )
}
