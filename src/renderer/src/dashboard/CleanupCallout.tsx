/** The dashboard's one primary action: preview the default safe policy ("Clean up safely"). */
import type { ReactNode } from 'react'
import { formatBytes } from '../../../shared/format'
import { describePolicy } from '../../../shared/default-policy'
import type { Settings } from '../../../shared/settings'
import type { Reclaimable } from '../../../shared/usage'
import { SkeletonLine } from '../components/Skeleton'
import { errorMessage } from '../errors'
import type { LiveState } from '../hooks/useLive'
import { describePolicyKinds } from '../kinds/words'
import { hrefFor } from '../routes'

export const SAFE_CLEANUP_HREF = '#/cleanup?policy=default'

export function CleanupCallout({
  settings,
  reclaimable,
}: {
  settings: LiveState<Settings>
  reclaimable: LiveState<Reclaimable>
}): ReactNode {
  return (
    <section className="callout" aria-labelledby="callout-title" data-testid="cleanup-callout">
      <div className="callout__text">
        <h2 className="callout__title" id="callout-title">
          {reclaimable.status === 'ready' ? (
            <>
              Frees about{' '}
              <span
                className="num"
                data-testid="default-policy-bytes"
                data-bytes={reclaimable.value.defaultPolicyBytes}
              >
                {formatBytes(reclaimable.value.defaultPolicyBytes)}
              </span>
            </>
          ) : reclaimable.status === 'loading' ? (
            <SkeletonLine width="12em" />
          ) : (
            <span title={errorMessage(reclaimable.error)}>Preview to see what it frees</span>
          )}
        </h2>
        <p className="callout__policy" data-testid="default-policy">
          {settings.status === 'ready' ? (
            <>
              {describePolicy(settings.value.defaultPolicy)}
              {describePolicyKinds(settings.value.defaultPolicyKinds)
                ? `, plus ${describePolicyKinds(settings.value.defaultPolicyKinds)}`
                : ''}
              , never anything in use, named or protected · <a href={hrefFor('settings')}>Change</a>
            </>
          ) : settings.status === 'loading' ? (
            <SkeletonLine width="20em" />
          ) : (
            'The default safe policy'
          )}
        </p>
      </div>
      <a className="button button--primary button--large" href={SAFE_CLEANUP_HREF}>
        Clean up safely
      </a>
    </section>
  )
}
