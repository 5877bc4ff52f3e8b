/**
 * Ways to free more than the plan does, as the planner found them (build cache records that still
 * hold the layers of images the plan removes): each with the bytes it would bring back, and a
 * button that plans again with its items added (a new address, so Back returns to this plan).
 */
import type { ReactNode } from 'react'
import type { Plan } from '../../../shared/cleanup'
import { formatBytes } from '../../../shared/format'
import { countOf } from '../kinds/words'
import { withHint, type ValidRequest } from './request'

export function PlanHints({ plan, request }: { plan: Plan; request: ValidRequest }): ReactNode {
  if (plan.hints.length === 0) return null
  return (
    <section className="plan-hints" aria-labelledby="plan-hints-title" data-testid="plan-hints">
      <h2 id="plan-hints-title" className="plan-hints__title">
        To free more
      </h2>
      <ul className="plan-hints__list">
        {plan.hints.map((hint, index) => (
          <li key={index} className="plan-hints__hint" data-testid="plan-hint">
            <p>
              {hint.message}{' '}
              <strong title={`${hint.reclaimBytes.toLocaleString()} bytes`}>
                Frees {formatBytes(hint.reclaimBytes)} more.
              </strong>
            </p>
            <button
              type="button"
              className="button button--small"
              onClick={() => {
                window.location.hash = withHint(request, hint)
              }}
            >
              Add {countOf(hint.add.cacheRecords.length, 'build-cache')} to the plan
            </button>
          </li>
        ))}
      </ul>
    </section>
  )
}
