/**
 * The Images page while the inventory is read: the same boxes as the loaded page (summary,
 * filters, selection bar, table of the table's own height), so nothing moves when rows arrive.
 */
import type { ReactNode } from 'react'
import { SkeletonLine } from '../components/Skeleton'
import './images.css'

const WIDTHS = ['62%', '48%', '70%', '55%', '66%', '40%', '58%', '52%']

export function ImagesSkeleton(): ReactNode {
  return (
    <div className="images-skeleton" aria-busy="true" data-testid="images-loading">
      <p className="visually-hidden" role="status">
        Reading the image inventory…
      </p>
      <div className="images-summary" aria-hidden="true">
        <SkeletonLine width="42%" />
        <SkeletonLine width="64%" />
      </div>
      <div className="images-filters" aria-hidden="true">
        <span className="skeleton images-skeleton__input" />
      </div>
      <div className="selection-bar" aria-hidden="true">
        <SkeletonLine width="20%" />
      </div>
      <div className="images-table__scroller images-skeleton__table" aria-hidden="true">
        <div className="images-skeleton__head" />
        {WIDTHS.map((width, index) => (
          <div className="images-skeleton__row" key={index}>
            <SkeletonLine width={width} />
          </div>
        ))}
      </div>
    </div>
  )
}
