/** A page's <h1> (focused on navigation, for screen readers) with an optional subtitle. */
import type { ReactNode } from 'react'

export const PAGE_TITLE_ID = 'page-title'

export function PageHeader({
  title,
  subtitle,
  actions,
}: {
  title: string
  subtitle?: ReactNode
  actions?: ReactNode
}): ReactNode {
  return (
    <header className="page-header">
      <div>
        <h1 id={PAGE_TITLE_ID} tabIndex={-1}>
          {title}
        </h1>
        {subtitle ? <p className="page-header__subtitle">{subtitle}</p> : null}
      </div>
      {actions ? <div className="page-header__actions">{actions}</div> : null}
    </header>
  )
}
