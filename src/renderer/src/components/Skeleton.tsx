/** Placeholder blocks shown while the first connection attempt is in flight. */
import type { ReactNode } from 'react'

export function SkeletonLine({ width = '100%' }: { width?: string }): ReactNode {
  return <span className="skeleton" style={{ width }} aria-hidden="true" />
}

export function SkeletonCard({ lines = 4 }: { lines?: number }): ReactNode {
  const widths = ['40%', '85%', '70%', '90%', '60%', '75%']
  return (
    <div className="card card--skeleton" aria-hidden="true">
      <SkeletonLine width="30%" />
      {Array.from({ length: lines }, (_, i) => (
        <SkeletonLine key={i} width={widths[i % widths.length]} />
      ))}
    </div>
  )
}
