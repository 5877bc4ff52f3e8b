/** A page-sized "nothing here yet" or "cannot show this" panel with an optional action. */
import type { ReactNode } from 'react'

export interface EmptyStateProps {
  icon: ReactNode
  title: string
  children?: ReactNode
  actions?: ReactNode
  tone?: 'neutral' | 'danger'
  testId?: string
}

export function EmptyState({
  icon,
  title,
  children,
  actions,
  tone = 'neutral',
  testId,
}: EmptyStateProps): ReactNode {
  return (
    <section className={`empty-state empty-state--${tone}`} data-testid={testId}>
      <div className="empty-state__icon">{icon}</div>
      <h2 className="empty-state__title">{title}</h2>
      {children ? <div className="empty-state__body">{children}</div> : null}
      {actions ? <div className="empty-state__actions">{actions}</div> : null}
    </section>
  )
}
