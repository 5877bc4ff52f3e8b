/** The snooze choices the tray and the window offer. */

const HOUR_MS = 3_600_000

/** "Until tomorrow" ends at this local hour. */
export const SNOOZE_MORNING_HOUR = 8

export function snoozeOneHour(now: Date): Date {
  return new Date(now.getTime() + HOUR_MS)
}

/**
 * 08:00 local time on the next calendar day. Not midnight: a snooze chosen in the evening would
 * then end in the middle of the night, when no one is there to act on an alert; the morning is
 * when the user is back. Computed on the local calendar, so a daylight-saving change overnight
 * still lands on 08:00.
 */
export function snoozeUntilTomorrow(now: Date): Date {
  const until = new Date(now.getTime())
  until.setDate(until.getDate() + 1)
  until.setHours(SNOOZE_MORNING_HOUR, 0, 0, 0)
  return until
}
