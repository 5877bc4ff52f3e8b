/**
 * Free space on the filesystem holding the engine's data root, as a bar: Docker's share, other
 * files, free space, and the line below which the low-disk alert fires.
 */
import type { ReactNode } from 'react'
import { formatBytes } from '../../../shared/format'
import type { Settings } from '../../../shared/settings'
import type { DiskUsage } from '../../../shared/usage'
import { Card } from '../components/Card'
import { SkeletonLine } from '../components/Skeleton'
import { hrefFor } from '../routes'
import type { LiveState } from '../hooks/useLive'
import { freeThresholdBytes } from './free-space'
import { dockerTotal } from './usage-types'

export function FreeSpaceCard({
  usage,
  settings,
  host,
}: {
  usage: LiveState<DiskUsage>
  settings: LiveState<Settings>
  host: string
}): ReactNode {
  return (
    <Card
      title="Free space"
      labelledBy="free-space-title"
      className="free-card"
      testId="free-space"
    >
      {usage.status === 'loading' ? (
        <div className="free-card__body" aria-hidden="true">
          <SkeletonLine width="45%" />
          <span className="meter meter--skeleton skeleton" />
          <SkeletonLine width="60%" />
        </div>
      ) : usage.status === 'error' ? (
        <p className="free-card__body muted">Free space is not known: disk usage did not load.</p>
      ) : usage.value.freeBytes === null || usage.value.totalBytes === null ? (
        <p className="free-card__body muted" data-testid="free-space-unknown">
          Free space is unknown: the engine at <code>{host}</code> is remote, and Drydock can
          measure only the disks of this machine. Alerts on Docker’s own usage still work.
        </p>
      ) : (
        <FreeMeter
          usage={usage.value}
          freeBytes={usage.value.freeBytes}
          totalBytes={usage.value.totalBytes}
          settings={settings.status === 'ready' ? settings.value : null}
        />
      )}
    </Card>
  )
}

function FreeMeter({
  usage,
  freeBytes,
  totalBytes,
  settings,
}: {
  usage: DiskUsage
  freeBytes: number
  totalBytes: number
  settings: Settings | null
}): ReactNode {
  const total = Math.max(totalBytes, 1)
  const used = Math.max(0, totalBytes - freeBytes)
  const docker = Math.min(dockerTotal(usage), used)
  const threshold = settings ? freeThresholdBytes(settings.alerts, totalBytes) : null
  const below = threshold !== null && freeBytes < threshold
  const pct = (bytes: number): string => `${((100 * bytes) / total).toFixed(2)}%`
  const freePercent = Math.round((100 * freeBytes) / total)

  return (
    <div className="free-card__body">
      <p className="free-card__headline">
        <strong className="num" data-testid="free-bytes" data-bytes={freeBytes}>
          {formatBytes(freeBytes)}
        </strong>{' '}
        free of <span className="num">{formatBytes(totalBytes)}</span> ({freePercent}%)
        {below ? <span className="chip chip--danger">Below the alert line</span> : null}
      </p>
      <div
        className="meter"
        role="meter"
        aria-label="Disk space used"
        aria-valuemin={0}
        aria-valuemax={totalBytes}
        aria-valuenow={used}
        aria-valuetext={`${formatBytes(used)} used, ${formatBytes(freeBytes)} free`}
      >
        <span className="meter__docker" style={{ width: pct(docker) }} />
        <span className="meter__other" style={{ width: pct(used - docker) }} />
        {threshold !== null ? (
          <span
            className="meter__threshold"
            style={{ left: pct(totalBytes - threshold) }}
            data-testid="free-threshold"
            data-bytes={Math.round(threshold)}
          />
        ) : null}
      </div>
      <ul className="meter-legend">
        <li>
          <span className="chart-swatch meter-swatch--docker" aria-hidden="true" />
          Docker <span className="num">{formatBytes(docker)}</span>
        </li>
        <li>
          <span className="chart-swatch meter-swatch--other" aria-hidden="true" />
          Other files <span className="num">{formatBytes(used - docker)}</span>
        </li>
        <li>
          <span className="chart-swatch meter-swatch--free" aria-hidden="true" />
          Free <span className="num">{formatBytes(freeBytes)}</span>
        </li>
        <li className="meter-legend__threshold">
          {settings === null ? (
            '\u00a0'
          ) : threshold === null ? (
            <>
              Low-space alerts are off (<a href={hrefFor('settings')}>Settings</a>)
            </>
          ) : (
            <>
              <span className="threshold-swatch" aria-hidden="true" />
              Alert when less than <span className="num">{formatBytes(threshold)}</span> is free
            </>
          )}
        </li>
      </ul>
    </div>
  )
}
