/**
 * The two checks of the disk monitor, as pure functions of one usage sample and the settings:
 * where each threshold lies in bytes, whether a sample is past it, and whether it has recovered
 * far enough to re-arm.
 */
import type { AlertKind } from '../../shared/monitor'
import type { AlertThresholds } from '../../shared/settings'
import type { DiskUsage } from '../../shared/usage'

const GB = 1_000_000_000

/**
 * How far past its threshold a reading must recover before the alert clears and can be raised
 * again: 10% of the threshold, at most 1 GB. Proportional, because free space moves with what
 * the machine is doing (a build's temporary files, a log growing) roughly in step with how big
 * the threshold is: 500 MB on the default 5 GB threshold, 10 MB on a 100 MB test disk. Capped,
 * because on a big disk (a 10% threshold of 2 TB is 200 GB) asking for another 20 GB would keep
 * the alert up after a cleanup that plainly got the disk out of trouble.
 */
export function defaultRearmMargin(thresholdBytes: number): number {
  return Math.min(thresholdBytes * 0.1, GB)
}

/** Images, containers' writable layers, volumes and build cache: all Docker keeps on disk. */
export function dockerBytesOf(usage: DiskUsage): number {
  return usage.imagesBytes + usage.containersBytes + usage.volumesBytes + usage.buildCacheBytes
}

/**
 * One check against one sample:
 * - `off`: the check is disabled (alerts off, or no threshold set for it): an active alert of
 *   this kind clears;
 * - `unknown`: it applies but this sample cannot answer it (free space was not readable, or only
 *   a percentage is set and the disk size is unknown): nothing changes, so a passing gap in the
 *   figures neither clears nor re-raises an alert;
 * - `checked`: past the threshold (`crossed`), back past the re-arm margin (`recovered`), or in
 *   between (neither: the alert, if any, stays as it is).
 */
export type CheckResult =
  | { status: 'off' }
  | { status: 'unknown' }
  | {
      status: 'checked'
      thresholdBytes: number
      /** Free bytes (free-space) or Docker's bytes (docker-usage). */
      valueBytes: number
      crossed: boolean
      recovered: boolean
      /** Far past the threshold: free space under half of it, or Docker at 1.5 times it. */
      critical: boolean
      /** free-space only: the disk the figures are of: the engine's, or this machine's disk
       * holding a VM's disk file (usage.hostDisk). */
      disk?: 'engine' | 'host'
      /** free-space only: that disk's size, when known. */
      diskTotalBytes?: number | null
    }

/** One disk against the free-space thresholds. */
function checkDisk(
  free: number | null,
  total: number | null,
  thresholds: AlertThresholds,
  margin: (thresholdBytes: number) => number,
): CheckResult {
  const { freeBelowPercent: percent, freeBelowBytes: bytes } = thresholds
  if (free === null) return { status: 'unknown' }
  // A disk of unknown size (a probe that found it full) is checked against the size limit only.
  if (total === null && bytes === null) return { status: 'unknown' }
  // Either limit trips the alert, so the effective threshold is the larger one.
  const threshold = Math.max(
    percent === null || total === null ? 0 : (percent / 100) * total,
    bytes ?? 0,
  )
  return {
    status: 'checked',
    thresholdBytes: threshold,
    valueBytes: free,
    crossed: free < threshold,
    recovered: free >= threshold + margin(threshold),
    critical: free < threshold / 2,
    diskTotalBytes: total,
  }
}

/** How deep into its threshold a checked disk is: lower is worse. */
function headroom(result: Extract<CheckResult, { status: 'checked' }>): number {
  return result.thresholdBytes === 0 ? Infinity : result.valueBytes / result.thresholdBytes
}

/**
 * Free space of the disk the engine writes to and, for an engine in a VM, of this machine's disk
 * where the VM's disk file grows: either one low raises the alert (with the figures of the worse
 * one), and it clears only once every disk that can be read has recovered.
 */
export function checkFreeSpace(
  usage: DiskUsage,
  thresholds: AlertThresholds,
  margin: (thresholdBytes: number) => number,
): CheckResult {
  const { freeBelowPercent: percent, freeBelowBytes: bytes } = thresholds
  if (!thresholds.enabled || (percent === null && bytes === null)) return { status: 'off' }
  const disks: { disk: 'engine' | 'host'; result: CheckResult }[] = [
    { disk: 'engine', result: checkDisk(usage.freeBytes, usage.totalBytes, thresholds, margin) },
  ]
  if (usage.hostDisk) {
    const { freeBytes, totalBytes } = usage.hostDisk
    disks.push({ disk: 'host', result: checkDisk(freeBytes, totalBytes, thresholds, margin) })
  }
  const checked = disks.flatMap(({ disk, result }) =>
    result.status === 'checked' ? [{ ...result, disk }] : [],
  )
  if (checked.length === 0) return { status: 'unknown' }
  const crossed = checked.filter((result) => result.crossed)
  const worst = (crossed.length > 0 ? crossed : checked).reduce((a, b) =>
    headroom(b) < headroom(a) ? b : a,
  )
  return {
    ...worst,
    crossed: crossed.length > 0,
    critical: crossed.some((result) => result.critical),
    // A disk that could not be read this time neither clears nor re-raises anything.
    recovered: checked.length === disks.length && checked.every((result) => result.recovered),
  }
}

export function checkDockerUsage(
  usage: DiskUsage,
  thresholds: AlertThresholds,
  margin: (thresholdBytes: number) => number,
): CheckResult {
  const { usageAbovePercent: percent, usageAboveBytes: bytes } = thresholds
  if (!thresholds.enabled || (percent === null && bytes === null)) return { status: 'off' }
  const limits: number[] = []
  if (bytes !== null) limits.push(bytes)
  if (percent !== null && usage.totalBytes !== null) limits.push((percent / 100) * usage.totalBytes)
  if (limits.length === 0) return { status: 'unknown' }
  // Either limit trips the alert, so the effective threshold is the smaller one.
  const threshold = Math.min(...limits)
  const docker = dockerBytesOf(usage)
  return {
    status: 'checked',
    thresholdBytes: threshold,
    valueBytes: docker,
    crossed: docker > threshold,
    recovered: docker <= threshold - margin(threshold),
    critical: docker >= threshold * 1.5,
  }
}

export function check(
  kind: AlertKind,
  usage: DiskUsage,
  thresholds: AlertThresholds,
  margin: (thresholdBytes: number) => number,
): CheckResult {
  return kind === 'free-space'
    ? checkFreeSpace(usage, thresholds, margin)
    : checkDockerUsage(usage, thresholds, margin)
}
