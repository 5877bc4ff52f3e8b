/** Low-disk alerts: what the monitor raises, the tray and notifications show, the log keeps. */
import { z } from 'zod'
import { lazySchema } from './lazy-schema'

export const ALERT_KINDS = ['free-space', 'docker-usage'] as const

export const AlertSchema = lazySchema(() =>
  z.strictObject({
    id: z.string(),
    kind: z.enum(ALERT_KINDS),
    level: z.enum(['warning', 'critical']),
    /** One sentence for a notification: "Disk almost full: 2.1 GB free. Drydock can free 4.1 GB." */
    message: z.string(),
    raisedAt: z.string(),
    /** Set once usage recovered past the re-arm margin. */
    clearedAt: z.string().nullable(),
    engineHost: z.string(),
    freeBytes: z.number().nonnegative().nullable(),
    totalBytes: z.number().nonnegative().nullable(),
    dockerBytes: z.number().nonnegative(),
    /** What the default safe policy would free now, when known. */
    reclaimableBytes: z.number().nonnegative().nullable(),
  }),
)

export const MonitorStateSchema = lazySchema(() =>
  z.strictObject({
    /** The alerts currently raised (at most one per kind). */
    active: z.array(AlertSchema),
    /** Alerts are not notified until then (they are still recorded). */
    snoozedUntil: z.string().nullable(),
    lastCheckAt: z.string().nullable(),
  }),
)

export type AlertKind = (typeof ALERT_KINDS)[number]
export type Alert = z.infer<typeof AlertSchema>
export type MonitorState = z.infer<typeof MonitorStateSchema>
