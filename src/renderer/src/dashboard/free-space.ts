/** Where the low-disk alert fires, in bytes free, from the alert settings. */
import type { AlertThresholds } from '../../../shared/settings'

/**
 * The alert fires when free space drops below either threshold, so the line sits at the larger
 * of the two. Null when alerts are off or no free-space threshold is set.
 */
export function freeThresholdBytes(alerts: AlertThresholds, totalBytes: number): number | null {
  if (!alerts.enabled) return null
  const byPercent =
    alerts.freeBelowPercent === null ? null : (alerts.freeBelowPercent / 100) * totalBytes
  const candidates = [byPercent, alerts.freeBelowBytes].filter((v): v is number => v !== null)
  return candidates.length === 0 ? null : Math.min(totalBytes, Math.max(...candidates))
}
