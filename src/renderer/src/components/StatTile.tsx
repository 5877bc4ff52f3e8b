import type { ReactNode } from 'react'

/** One headline figure: a label, a value and an optional note underneath. */
export function StatTile({
  label,
  value,
  note,
  testId,
}: {
  label: string
  value: ReactNode
  note?: ReactNode
  testId?: string
}): ReactNode {
  return (
    <div className="stat">
      <dt className="stat__label">{label}</dt>
      <dd className="stat__value" data-testid={testId}>
        {value}
      </dd>
      {note ? <dd className="stat__note">{note}</dd> : null}
    </div>
  )
}

export function StatRow({ label, children }: { label: string; children: ReactNode }): ReactNode {
  return (
    <dl className="stats" aria-label={label}>
      {children}
    </dl>
  )
}
