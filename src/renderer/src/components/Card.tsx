import type { ReactNode } from 'react'

/** A titled panel. `className` sets a fixed body height where content loads late (no jumps). */
export function Card({
  title,
  actions,
  children,
  className,
  testId,
  labelledBy,
}: {
  title: ReactNode
  actions?: ReactNode
  children: ReactNode
  className?: string
  testId?: string
  labelledBy?: string
}): ReactNode {
  return (
    <section
      className={`card ${className ?? ''}`}
      data-testid={testId}
      aria-labelledby={labelledBy}
    >
      <header className="card__header">
        <h2 className="card__title" id={labelledBy}>
          {title}
        </h2>
        {actions}
      </header>
      {children}
    </section>
  )
}
