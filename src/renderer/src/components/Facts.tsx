import type { ReactNode } from 'react'

/** A card of label/value facts (a <dl>), e.g. the engine's version and storage. */
export function FactsCard({
  title,
  children,
  actions,
  className,
}: {
  title: ReactNode
  children: ReactNode
  actions?: ReactNode
  className?: string
}): ReactNode {
  return (
    <section className={`card ${className ?? ''}`}>
      <header className="card__header">
        <h2 className="card__title">{title}</h2>
        {actions}
      </header>
      <dl className="facts">{children}</dl>
    </section>
  )
}

export function Fact({
  label,
  children,
  mono = false,
}: {
  label: string
  children: ReactNode
  mono?: boolean
}): ReactNode {
  return (
    <div className="facts__row">
      <dt>{label}</dt>
      <dd className={mono ? 'mono' : undefined}>{children}</dd>
    </div>
  )
}
