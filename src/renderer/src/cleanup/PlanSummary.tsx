/**
 * Above the plan: safe or forced (they must look different), the counts and the bytes; for a
 * forced plan, what it does beyond a safe cleanup, in plain words.
 */
import type { ReactNode } from 'react'
import { ITEM_KINDS } from '../../../shared/item-kinds'
import type { Plan } from '../../../shared/cleanup'
import { formatBytes } from '../../../shared/format'
import { AlertIcon } from '../components/Icons'
import { plural } from '../describe'
import { KIND_TITLES } from '../kinds/words'
import { consequencesOf, effectSentence, isForcedPlan } from './describe'

export function PlanSummary({ plan }: { plan: Plan }): ReactNode {
  const forced = isForcedPlan(plan)
  const kinds = ITEM_KINDS.filter((kind) => plan.items.some((item) => item.kind === kind))
  const count = (action: string) => plan.items.filter((item) => item.action === action).length
  const figures: [string, string, string][] = [
    ['Frees', formatBytes(plan.reclaimBytes), 'plan-frees'],
    ['Delete', count('delete').toLocaleString(), 'plan-delete-count'],
    ['Untag only', count('untag').toLocaleString(), 'plan-untag-count'],
    ['Blocked', count('blocked').toLocaleString(), 'plan-blocked-count'],
    ['Keep', count('keep').toLocaleString(), 'plan-keep-count'],
  ]
  return (
    <section
      className={`plan-summary plan-summary--${forced ? 'forced' : 'safe'}`}
      aria-labelledby="plan-mode"
      data-mode={forced ? 'forced' : 'safe'}
      data-testid="plan-summary"
    >
      <div className="plan-summary__mode">
        {forced ? <AlertIcon size={20} /> : <ShieldIcon />}
        <div>
          <h2 id="plan-mode" className="plan-summary__title">
            {forced ? 'Forced cleanup' : 'Safe cleanup'}
          </h2>
          <p className="plan-summary__lead">
            {forced
              ? 'This plan overrides the engine’s safety checks. Read what it does to your containers before you confirm.'
              : 'Removes only what nothing uses: no running container is stopped or changed, and anything the engine would refuse is left alone.'}
          </p>
        </div>
      </div>
      <dl className="plan-summary__figures">
        {figures.map(([label, value, testId]) => (
          <div key={label} className="plan-summary__figure">
            <dt>{label}</dt>
            <dd data-testid={testId}>{value}</dd>
          </div>
        ))}
      </dl>
      {kinds.length > 1 ? (
        <dl className="plan-summary__kinds" aria-label="Frees by kind" data-testid="plan-by-kind">
          {kinds.map((kind) => (
            <div key={kind} className="plan-summary__kind">
              <dt>{KIND_TITLES[kind]}</dt>
              <dd
                className="num"
                data-testid={`plan-frees-${kind}`}
                title={`${plan.reclaimByKind[kind].toLocaleString()} bytes`}
              >
                {formatBytes(plan.reclaimByKind[kind])}
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
      {plan.target ? <TargetLine target={plan.target} /> : null}
      {forced ? <Consequences plan={plan} /> : null}
    </section>
  )
}

/** A size target's plan: images and build cache before and after, and why it stops there. */
function TargetLine({ target }: { target: NonNullable<Plan['target']> }): ReactNode {
  const reason = target.reason.charAt(0).toUpperCase() + target.reason.slice(1)
  return (
    <p className="plan-summary__target" data-testid="plan-target" data-met={target.met}>
      Images and build cache take <span className="num">{formatBytes(target.before)}</span> now and{' '}
      <span className="num">{formatBytes(target.after)}</span> after this plan, for a target of{' '}
      <span className="num">{formatBytes(target.bytes)}</span>. {reason}.
    </p>
  )
}

function Consequences({ plan }: { plan: Plan }): ReactNode {
  const { removedContainers, orphanedContainers, untaggedUnder, stoppedContainers, forcedDeletes } =
    consequencesOf(plan)
  const lines: ReactNode[] = []
  if (stoppedContainers.length > 0) {
    lines.push(
      <li key="stopped">
        <strong>
          {plural(stoppedContainers.length, 'running container')}{' '}
          {stoppedContainers.length === 1 ? 'is' : 'are'} stopped
        </strong>{' '}
        and removed, with {stoppedContainers.length === 1 ? 'its' : 'their'} writable files:
        <ul>
          {stoppedContainers.map((item) => (
            <li key={item.id}>{item.name}</li>
          ))}
        </ul>
      </li>,
    )
  }
  if (removedContainers.length > 0) {
    lines.push(
      <li key="removed">
        <strong>{plural(removedContainers.length, 'container')} will be removed</strong> (running
        ones are stopped first), with their writable files:
        <ul>
          {removedContainers.map((container) => (
            <li key={container.id}>{effectSentence(container)}</li>
          ))}
        </ul>
      </li>,
    )
  }
  if (orphanedContainers.length > 0) {
    lines.push(
      <li key="orphaned">
        <strong>
          {plural(orphanedContainers.length, 'container')} will lose{' '}
          {orphanedContainers.length === 1 ? 'its' : 'their'} image
        </strong>
        :
        <ul>
          {orphanedContainers.map((container) => (
            <li key={container.id}>{effectSentence(container)}</li>
          ))}
        </ul>
      </li>,
    )
  }
  if (untaggedUnder.length > 0) {
    lines.push(
      <li key="untagged">
        <strong>{plural(untaggedUnder.length, 'running container')}</strong> keep running while
        their image loses its tag:
        <ul>
          {untaggedUnder.map((container) => (
            <li key={container.id}>{effectSentence(container)}</li>
          ))}
        </ul>
      </li>,
    )
  }
  if (forcedDeletes > 0) {
    lines.push(
      <li key="forced">
        {plural(forcedDeletes, 'image')} {forcedDeletes === 1 ? 'is' : 'are'} removed with{' '}
        <code>docker rmi -f</code>, which removes references other images or stopped containers
        still hold.
      </li>,
    )
  }
  if (lines.length === 0) {
    lines.push(
      <li key="none">
        As planned, no container is affected; the engine’s checks still apply to each request.
      </li>,
    )
  }
  return (
    <div className="plan-summary__consequences" data-testid="forced-consequences">
      <h3>What this forced cleanup does</h3>
      <ul>{lines}</ul>
      {plan.items.some((item) => item.kind === 'image') ? (
        <p className="muted">
          Bytes a removed image shares with a container that stays are not freed until that
          container is removed.
        </p>
      ) : null}
    </div>
  )
}

function ShieldIcon(): ReactNode {
  return (
    <svg
      width={20}
      height={20}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.75}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d="M12 3.5 19.5 6v5.5c0 4.5-3.2 7.9-7.5 9-4.3-1.1-7.5-4.5-7.5-9V6z" />
      <path d="m8.8 12.2 2.2 2.2 4.3-4.6" />
    </svg>
  )
}
