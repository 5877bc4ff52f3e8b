/**
 * Disk used by type, each with the bytes a cleanup could really give back (counted by Drydock's
 * planner, not the engine's RECLAIMABLE estimate). Raw byte counts ride along in `data-bytes`.
 */
import type { ReactNode } from 'react'
import { formatBytes } from '../../../shared/format'
import type { DiskUsage, LatestUsage, Reclaimable } from '../../../shared/usage'
import { SkeletonLine } from '../components/Skeleton'
import { errorMessage } from '../errors'
import type { LiveState } from '../hooks/useLive'
import { cachedNote, countNote, dockerTotal, USAGE_TYPES, type UsageType } from './usage-types'

/** Element Timing names the first figure (on its block: text is timed by the block that holds
 * it), so the benchmark reads when it reached the screen. */
const FIGURES_TIMING = { elementtiming: 'dashboard-figures' }

export function UsageTiles({
  usage,
  reclaimable,
  cached = null,
}: {
  usage: LiveState<DiskUsage>
  reclaimable: LiveState<Reclaimable>
  /** The log's last sample: shown, with its age, until the engine's answer comes. */
  cached?: LatestUsage | null
}): ReactNode {
  const live = usage.status === 'ready' ? usage.value : null
  // Only while the answer is on its way: a failed one shows '—', as the free-space card says.
  const shown = live ?? (usage.status === 'loading' ? cached : null)
  const source = live ? 'live' : 'cached'
  return (
    <dl className="stats usage-tiles" aria-label="Disk used by type" data-testid="usage-tiles">
      {USAGE_TYPES.map((type) => (
        <div className="stat usage-tile" key={type.id} data-testid={`usage-${type.id}`}>
          <dt className="stat__label">
            <span className="chart-swatch" style={{ background: type.color }} aria-hidden="true" />
            {type.label}
          </dt>
          <dd className="stat__value num" {...(type.id === 'images' ? FIGURES_TIMING : {})}>
            {shown ? (
              <span
                data-testid={`usage-${type.id}-bytes`}
                data-bytes={shown[type.bytes]}
                data-source={source}
              >
                {formatBytes(shown[type.bytes])}
              </span>
            ) : usage.status === 'loading' ? (
              <SkeletonLine width="60%" />
            ) : (
              '—'
            )}
          </dd>
          <dd className="stat__note">
            {live ? countNote(type, live) : shown && cached ? cachedNote(cached) : '\u00a0'}
          </dd>
          <dd className="stat__note usage-tile__reclaim">
            <ReclaimLine type={type} reclaimable={reclaimable} />
          </dd>
          <dd className="usage-tile__action">
            <a
              className="usage-tile__cleanup"
              href={type.cleanup}
              title={type.cleanupTitle}
              data-testid={`cleanup-${type.id}`}
            >
              Clean up…<span className="visually-hidden"> {type.label.toLowerCase()}</span>
            </a>
          </dd>
        </div>
      ))}
      <div className="stat usage-tile usage-tile--total" data-testid="usage-total">
        <dt className="stat__label">Docker total</dt>
        <dd className="stat__value num">
          {shown ? (
            <span data-bytes={dockerTotal(shown)} data-source={source}>
              {formatBytes(dockerTotal(shown))}
            </span>
          ) : usage.status === 'loading' ? (
            <SkeletonLine width="60%" />
          ) : (
            '—'
          )}
        </dd>
        <dd className="stat__note">All four types</dd>
        <dd className="stat__note usage-tile__reclaim">
          {reclaimable.status === 'ready' ? (
            <>
              <strong className="num">{formatBytes(dockerTotal(reclaimable.value))}</strong>{' '}
              reclaimable
            </>
          ) : (
            '\u00a0'
          )}
        </dd>
      </div>
    </dl>
  )
}

function ReclaimLine({
  type,
  reclaimable,
}: {
  type: UsageType
  reclaimable: LiveState<Reclaimable>
}): ReactNode {
  if (reclaimable.status === 'loading') return <SkeletonLine width="70%" />
  if (reclaimable.status === 'error') {
    return (
      <span
        className="muted"
        title={errorMessage(reclaimable.error)}
        data-testid={`reclaimable-${type.id}-unavailable`}
      >
        Reclaimable: not known yet
      </span>
    )
  }
  const bytes = reclaimable.value[type.bytes]
  return (
    <span title={`${formatBytes(bytes)} ${type.reclaimNote}`}>
      <strong className="num" data-testid={`reclaimable-${type.id}`} data-bytes={bytes}>
        {formatBytes(bytes)}
      </strong>{' '}
      reclaimable
    </span>
  )
}
