/**
 * The snooze choices the window offers, the same as the tray's (src/core/monitor/snooze.ts; the
 * renderer may not import main code, so the rule is repeated here).
 */

const HOUR_MS = 3_600_000

/** "Until tomorrow" ends at this local hour. */
const MORNING_HOUR = 8

export function snoozeOneHour(now: Date): Date {
  return new Date(now.getTime() + HOUR_MS)
}

/** 08:00 local time on the next calendar day: the morning, when someone is back to act on it. */
export function snoozeUntilTomorrow(now: Date): Date {
  const until = new Date(now.getTime())
  until.setDate(until.getDate() + 1)
  until.setHours(MORNING_HOUR, 0, 0, 0)
  return until
}
