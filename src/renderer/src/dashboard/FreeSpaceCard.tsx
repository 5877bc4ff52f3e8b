/**
 * Free space on the filesystem holding the engine's data root, as a bar: Docker's share, other
 * files, free space, and the line below which the low-disk alert fires. Says where the engine
 * runs and where the figure came from; for an engine in a VM, this machine's disk and the VM's
 * disk file too (which does not shrink as soon as a prune frees space inside it).
 */
import type { ReactNode } from 'react'
import { formatBytes } from '../../../shared/format'
import type { Settings } from '../../../shared/settings'
import type { DiskUsage, LatestUsage } from '../../../shared/usage'
import { Card } from '../components/Card'
import { SkeletonLine } from '../components/Skeleton'
import { hrefFor } from '../routes'
import type { LiveState } from '../hooks/useLive'
import { RichText } from '../components/RichText'
import {
  freeSourceText,
  hostDiskLine,
  locationBadge,
  unknownFreeText,
  vmDiskLine,
} from './disk-truth'
import { freeThresholdBytes } from './free-space'
import { cachedNote, dockerTotal, type UsageType } from './usage-types'

export function FreeSpaceCard({
  usage,
  settings,
  host,
  cached = null,
}: {
  usage: LiveState<DiskUsage>
  settings: LiveState<Settings>
  host: string
  /** The log's last sample: its free space is shown, with its age, until the engine answers. */
  cached?: LatestUsage | null
}): ReactNode {
  const value = usage.status === 'ready' ? usage.value : null
  return (
    <Card
      title="Free space"
      labelledBy="free-space-title"
      className="free-card"
      testId="free-space"
      actions={
        value ? (
          <span
            className="chip free-card__location"
            data-testid="engine-location"
            data-location={value.engineLocation}
          >
            <span className="visually-hidden">Where the engine runs: </span>
            {locationBadge(value, host)}
          </span>
        ) : null
      }
    >
      {usage.status === 'loading' &&
      cached &&
      cached.freeBytes !== null &&
      cached.totalBytes !== null ? (
        <FreeMeter
          usage={cached}
          freeBytes={cached.freeBytes}
          totalBytes={cached.totalBytes}
          source={cachedNote(cached)}
          cached
          settings={settings.status === 'ready' ? settings.value : null}
        />
      ) : usage.status === 'loading' ? (
        <div className="free-card__body" aria-hidden="true">
          <SkeletonLine width="45%" />
          <span className="meter meter--skeleton skeleton" />
          <SkeletonLine width="60%" />
        </div>
      ) : usage.status === 'error' ? (
        <p className="free-card__body muted">Free space is not known: disk usage did not load.</p>
      ) : usage.value.freeBytes === null || usage.value.totalBytes === null ? (
        <UnknownFree usage={usage.value} host={host} />
      ) : (
        <FreeMeter
          usage={usage.value}
          freeBytes={usage.value.freeBytes}
          totalBytes={usage.value.totalBytes}
          source={freeSourceText(usage.value.freeSource)}
          settings={settings.status === 'ready' ? settings.value : null}
        />
      )}
      {value?.hostDisk || value?.vmDisk ? <VmFacts usage={value} /> : null}
    </Card>
  )
}

function UnknownFree({ usage, host }: { usage: DiskUsage; host: string }): ReactNode {
  const { title, detail } = unknownFreeText(usage, host)
  return (
    <div className="free-card__body" data-testid="free-space-unknown">
      <p>
        <strong>{title}</strong> <span className="muted">{detail}</span>
      </p>
    </div>
  )
}

/** An engine in a VM: this machine's disk, where the VM's disk file is, and that file. */
function VmFacts({ usage }: { usage: DiskUsage }): ReactNode {
  const { hostDisk, vmDisk } = usage
  return (
    <div className="free-card__vm" data-testid="vm-disk">
      <dl className="facts">
        {hostDisk ? (
          <div className="facts__row">
            <dt>This machine’s disk</dt>
            <dd>
              <span className="num" data-testid="host-disk" data-bytes={hostDisk.freeBytes}>
                {hostDiskLine(hostDisk)}
              </span>
              <span className="free-card__path mono">{hostDisk.path}</span>
            </dd>
          </div>
        ) : null}
        {vmDisk ? (
          <div className="facts__row">
            <dt>VM disk file</dt>
            <dd>
              <span data-testid="vm-disk-file">{vmDiskLine(vmDisk)}</span>
              {vmDisk.path ? <span className="free-card__path mono">{vmDisk.path}</span> : null}
            </dd>
          </div>
        ) : null}
      </dl>
      {vmDisk ? (
        <p className="free-card__explanation muted" data-testid="vm-disk-explanation">
          <RichText text={vmDisk.explanation} />
        </p>
      ) : null}
    </div>
  )
}

function FreeMeter({
  usage,
  freeBytes,
  totalBytes,
  source,
  cached = false,
  settings,
}: {
  /** Docker's four figures (the engine's answer, or the log's last sample). */
  usage: Pick<DiskUsage, UsageType['bytes']>
  freeBytes: number
  totalBytes: number
  /** Where the figure came from, or how old it is. */
  source: string | null
  /** True when the figures are the log's last sample. */
  cached?: boolean
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
        <strong
          className="num"
          data-testid="free-bytes"
          data-bytes={freeBytes}
          data-source={cached ? 'cached' : 'live'}
        >
          {formatBytes(freeBytes)}
        </strong>{' '}
        free of <span className="num">{formatBytes(totalBytes)}</span> ({freePercent}%)
        {source ? (
          <span className="free-card__source" data-testid="free-source">
            · {source}
          </span>
        ) : null}
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
