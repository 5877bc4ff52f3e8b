/**
 * The exact plan, grouped by kind (images, containers, volumes, build cache), one row per item:
 * the action the engine will take (or why it cannot), what happens to each container involved,
 * and the bytes that really come back, per kind and in total. While a run goes on, and after it,
 * an outcome column says what did happen.
 */
import type { ReactNode } from 'react'
import { ITEM_KINDS } from '../../../shared/item-kinds'
import type { CleanItemResult, Plan, PlanItem } from '../../../shared/cleanup'
import { formatBytes, shortId } from '../../../shared/format'
import { referenceOf } from '../images/model'
import { KindIcon } from '../kinds/KindIcon'
import { countOf, describeCounts, KIND_TITLES } from '../kinds/words'
import {
  ACTION_TEXT,
  BLOCKER_TEXT,
  OUTCOME_TEXT,
  effectSentence,
  isForcedItem,
  itemKey,
} from './describe'

/** What happened to an item, when known: a finished result or a record read from the log. */
export interface ItemOutcome {
  outcome: CleanItemResult['outcome']
  reclaimedBytes: number | null
  error: string | null
}

/** What people call the item, and what tells it apart (ID, other tags, compose project). */
function ItemName({ item }: { item: PlanItem }): ReactNode {
  if (item.kind === 'image') {
    return (
      <div className="plan-item__image">
        <span className="mono plan-item__name">{referenceOf(item)}</span>
        <span className="mono plan-item__id" title={item.id}>
          {shortId(item.id)}
        </span>
        {item.tags.length > 1 ? (
          <span className="plan-item__tags mono">{item.tags.slice(1).join(', ')}</span>
        ) : null}
      </div>
    )
  }
  // A volume's ID is its name; an anonymous one's is 64 hex digits, shortened like an ID.
  const anonymous = item.kind === 'volume' && /^[0-9a-f]{64}$/.test(item.name)
  return (
    <div className="plan-item__image">
      <span className="mono plan-item__name" title={item.name}>
        {anonymous ? shortId(item.name) : item.name}
      </span>
      {item.kind === 'volume' ? (
        anonymous ? (
          <span className="plan-item__id">anonymous volume</span>
        ) : null
      ) : (
        <span className="mono plan-item__id" title={item.id}>
          {shortId(item.id)}
        </span>
      )}
      {item.project ? (
        <span className="plan-item__tags">
          project <span className="mono">{item.project}</span>
        </span>
      ) : null}
    </div>
  )
}

function ActionBadge({ item }: { item: PlanItem }): ReactNode {
  const forced = isForcedItem(item)
  return (
    <span className={`action action--${item.action}${forced ? ' action--forced' : ''}`}>
      {ACTION_TEXT[item.action]}
      {forced ? <span className="action__forced">· forced</span> : null}
    </span>
  )
}

function WhatHappens({ item }: { item: PlanItem }): ReactNode {
  const containers = item.affectedContainers
  return (
    <div className="plan-item__what">
      <p>{item.reason}</p>
      {item.blockers.length > 0 ? (
        <ul className="plan-item__blockers" aria-label="Blocked by">
          {item.blockers.map((blocker, index) => (
            <li key={index}>
              <span className="plan-item__blocker-kind">{BLOCKER_TEXT[blocker.kind]}</span>{' '}
              <span className="mono">{blocker.ref}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {item.heldBy.length > 0 ? (
        <p className="plan-item__held">
          Some of its bytes stay: {describeCounts(item.heldBy)}{' '}
          {item.heldBy.length === 1 ? 'holds' : 'hold'} them too
          {item.heldBy.length <= 3 ? (
            <>
              {' '}
              (
              {item.heldBy.map((holder, index) => (
                <span key={holder.id}>
                  {index > 0 ? ', ' : null}
                  <span className="mono" title={holder.id}>
                    {holder.name || shortId(holder.id)}
                  </span>
                </span>
              ))}
              )
            </>
          ) : null}
          .
        </p>
      ) : null}
      {containers.length > 0 ? (
        <ul className="plan-item__containers" aria-label="Containers">
          {containers.map((container) => (
            <li key={container.id} className={`effect effect--${container.effect}`}>
              {effectSentence(container)}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}

function OutcomeCell({
  outcome,
  pending,
}: {
  outcome: ItemOutcome | undefined
  pending: boolean
}): ReactNode {
  if (!outcome) {
    return <span className="muted">{pending ? 'Waiting…' : '—'}</span>
  }
  return (
    <span className={`outcome outcome--${outcome.outcome}`}>
      {OUTCOME_TEXT[outcome.outcome]}
      {outcome.error ? <span className="outcome__error">{outcome.error}</span> : null}
    </span>
  )
}

export function PlanTable({
  plan,
  outcomes,
  running = false,
}: {
  plan: Plan
  /** Outcomes by item key (kind and ID), once a run has started. */
  outcomes?: ReadonlyMap<string, ItemOutcome>
  running?: boolean
}): ReactNode {
  const showOutcomes = outcomes !== undefined
  const reclaimed = showOutcomes
    ? [...outcomes.values()].reduce((sum, outcome) => sum + (outcome.reclaimedBytes ?? 0), 0)
    : 0
  const columns = showOutcomes ? 6 : 4
  const groups = ITEM_KINDS.map((kind) => ({
    kind,
    items: plan.items.filter((item) => item.kind === kind),
  })).filter((group) => group.items.length > 0)
  return (
    <div className="plan-table__wrap">
      <table className="plan-table" aria-label="Cleanup plan" data-testid="plan-table">
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col">Action</th>
            <th scope="col">What happens</th>
            <th scope="col" className="numeric" title="Decimal units: 1 MB = 1,000,000 bytes">
              Frees
            </th>
            {showOutcomes ? (
              <>
                <th scope="col">Outcome</th>
                <th scope="col" className="numeric">
                  Reclaimed
                </th>
              </>
            ) : null}
          </tr>
        </thead>
        {groups.map(({ kind, items }) => {
          const bytes = plan.reclaimByKind[kind]
          return (
            <tbody key={kind} data-kind={kind} data-testid={`plan-group-${kind}`}>
              <tr className="plan-group">
                <th scope="colgroup" colSpan={3}>
                  <span className="plan-group__title">
                    <KindIcon kind={kind} size={15} />
                    {KIND_TITLES[kind]}
                    <span className="plan-group__count">{countOf(items.length, kind)}</span>
                  </span>
                </th>
                <td
                  className="numeric"
                  data-testid={`plan-total-${kind}`}
                  title={`${bytes.toLocaleString()} bytes`}
                >
                  {formatBytes(bytes)}
                </td>
                {showOutcomes ? <td colSpan={columns - 4} /> : null}
              </tr>
              {items.map((item) => {
                const outcome = outcomes?.get(itemKey(item))
                const runs = item.requests.length > 0
                return (
                  <tr
                    key={itemKey(item)}
                    className={`plan-item plan-item--${item.action}`}
                    data-item-id={item.id}
                    data-kind={item.kind}
                    data-image-id={item.kind === 'image' ? item.id : undefined}
                    data-action={item.action}
                    data-outcome={outcome?.outcome}
                  >
                    <th scope="row">
                      <ItemName item={item} />
                    </th>
                    <td>
                      <ActionBadge item={item} />
                    </td>
                    <td>
                      <WhatHappens item={item} />
                    </td>
                    <td className="numeric" title={`${item.reclaimBytes.toLocaleString()} bytes`}>
                      {formatBytes(item.reclaimBytes)}
                    </td>
                    {showOutcomes ? (
                      <>
                        <td>
                          <OutcomeCell outcome={outcome} pending={running && runs} />
                        </td>
                        <td className="numeric">
                          {outcome?.reclaimedBytes !== undefined && outcome.reclaimedBytes !== null
                            ? formatBytes(outcome.reclaimedBytes)
                            : '—'}
                        </td>
                      </>
                    ) : null}
                  </tr>
                )
              })}
            </tbody>
          )
        })}
        <tfoot>
          <tr>
            <th scope="row" colSpan={3}>
              Total
            </th>
            <td
              className="numeric"
              data-testid="plan-total"
              title={`${plan.reclaimBytes.toLocaleString()} bytes`}
            >
              {formatBytes(plan.reclaimBytes)}
            </td>
            {showOutcomes ? (
              <>
                <td />
                <td className="numeric">{formatBytes(reclaimed)}</td>
              </>
            ) : null}
          </tr>
        </tfoot>
      </table>
    </div>
  )
}
