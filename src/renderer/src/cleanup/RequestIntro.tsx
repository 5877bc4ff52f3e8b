/** What is being planned: the policy picker, or what was chosen on the pages, in words. */
import type { ReactNode } from 'react'
import { describePolicy } from '../../../shared/default-policy'
import type { PolicyKinds } from '../../../shared/settings'
import { SkeletonCard } from '../components/Skeleton'
import { describePolicyKinds, KIND_ROUTES, KIND_TITLES } from '../kinds/words'
import { describeTargets } from './describe-request'
import { PolicyPicker } from './PolicyPicker'
import {
  cleanupHash,
  describePagePolicy,
  hasTargets,
  type PagePolicy,
  type Targets,
  type ValidRequest,
} from './request'

function TargetLines({ targets, lead }: { targets: Targets; lead?: string }): ReactNode {
  const { lines, kinds } = describeTargets(targets)
  return (
    <section className="request-intro card" aria-label="Selection" data-testid="request-intro">
      {lead ? <p className="request-intro__policy">{lead}</p> : null}
      <ul className="request-intro__lines">
        {lines.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <p className="request-intro__links">
        {kinds.map((kind) => (
          <a key={kind} href={KIND_ROUTES[kind]}>
            Back to {KIND_TITLES[kind]}
          </a>
        ))}
        <a href={cleanupHash({ kind: 'default-policy' })}>Use a cleanup policy instead</a>
      </p>
    </section>
  )
}

export function RequestIntro({
  request,
  policy,
  kinds,
}: {
  request: ValidRequest
  /** The policy shown in the picker, once known (the default one is read from Settings). */
  policy: PagePolicy | null
  /** What "Clean up safely" also removes (Settings), for the default policy's description. */
  kinds: PolicyKinds | null
}): ReactNode {
  if (request.kind === 'selection') return <TargetLines targets={request.targets} />
  if (!policy) return <SkeletonCard lines={2} />
  const others = request.kind === 'default-policy' && kinds ? describePolicyKinds(kinds) : ''
  return (
    <>
      <p className="request-intro__policy" data-testid="policy-description">
        {request.kind === 'default-policy' && policy.kind !== 'unused'
          ? `Default policy: ${describePolicy(policy)}${others ? `, plus ${others}` : ''}.`
          : `${describePagePolicy(policy)}.`}
      </p>
      <PolicyPicker current={policy} isDefault={request.kind === 'default-policy'} />
      {hasTargets(request.targets) ? (
        <TargetLines targets={request.targets} lead="Added to the policy:" />
      ) : null}
    </>
  )
}
