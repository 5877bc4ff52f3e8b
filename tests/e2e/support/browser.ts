import { existsSync } from 'node:fs'

export const chromiumPath = process.env.DRYDOCK_CHROMIUM ?? '/usr/bin/chromium'

/** Why the browser suite cannot run here, or null. Under CI=true a missing browser is a failure. */
export function browserUnavailable(): string | null {
  if (existsSync(chromiumPath)) return null
  const reason = `Chromium not found at ${chromiumPath} (apt-get install -y chromium)`
  if (process.env.CI === 'true')
    throw new Error(`${reason}; CI=true: the browser suite may not be skipped`)
  return reason
}
