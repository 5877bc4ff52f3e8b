/**
 * Low-disk alerts from the monitor, on every page: the window's (and browser mode's only) way of
 * showing them. Seeded by getMonitorState(), kept live by `alert` events; hidden while snoozed.
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react'
import type { Alert, MonitorState } from '../../../shared/monitor'
import { useCleanupRunContext } from '../cleanup/useCleanupRun'
import { useClient } from '../client-context'
import { errorMessage } from '../errors'
import { useClientEvent } from '../hooks/useClientEvent'
import { useNow } from '../hooks/useNow'
import { AlertIcon } from './Icons'
import { Spinner } from './Spinner'

const SNOOZE_MS = 60 * 60 * 1000

/** Alerts by id: a raised alert is added, a cleared one (clearedAt set) removed. */
function withAlert(alerts: Alert[], alert: Alert): Alert[] {
  const others = alerts.filter((a) => a.id !== alert.id && a.kind !== alert.kind)
  return alert.clearedAt === null ? [...others, alert] : others
}

export function AlertBanner(): ReactNode {
  const client = useClient()
  const running = useCleanupRunContext().state.kind === 'running'
  const now = useNow(15_000)
  const [alerts, setAlerts] = useState<Alert[]>([])
  const [snoozedUntil, setSnoozedUntil] = useState<string | null>(null)
  const [snoozing, setSnoozing] = useState(false)
  const [snoozeError, setSnoozeError] = useState<unknown>(null)

  const applyState = useCallback((state: MonitorState) => {
    setAlerts((current) => state.active.reduce(withAlert, current))
    setSnoozedUntil(state.snoozedUntil)
  }, [])

  useClientEvent('alert', (alert) => setAlerts((current) => withAlert(current, alert)))

  useEffect(() => {
    let active = true
    // Without a monitor there is nothing to show: an error here is not worth a banner of its own.
    client.getMonitorState().then(
      (state) => {
        if (active) applyState(state)
      },
      () => undefined,
    )
    return () => {
      active = false
    }
  }, [client, applyState])

  function snooze(): void {
    setSnoozing(true)
    setSnoozeError(null)
    client.snoozeAlerts({ until: new Date(Date.now() + SNOOZE_MS).toISOString() }).then(
      (state) => {
        applyState(state)
        setSnoozing(false)
      },
      (error: unknown) => {
        setSnoozeError(error)
        setSnoozing(false)
      },
    )
  }

  const snoozed = snoozedUntil !== null && Date.parse(snoozedUntil) > now.getTime()
  if (alerts.length === 0 || snoozed) return null
  const critical = alerts.some((a) => a.level === 'critical')

  return (
    <div
      className={`banner banner--alert ${critical ? 'banner--critical' : ''}`}
      role="alert"
      data-testid="alert-banner"
    >
      <AlertIcon className="banner__icon" size={20} />
      <div className="banner__body">
        {alerts.map((alert) => (
          <p className="banner__title" key={alert.id}>
            {alert.message}
          </p>
        ))}
        {snoozeError ? (
          <p className="banner__message">Could not snooze: {errorMessage(snoozeError)}</p>
        ) : null}
      </div>
      <div className="banner__actions">
        {/* While a cleanup runs, the Cleanup page shows that run whatever the address. */}
        <a
          className="button button--small button--primary"
          href={running ? '#/cleanup' : '#/cleanup?policy=default'}
        >
          {running ? 'See the running cleanup' : 'Review cleanup'}
        </a>
        <button
          type="button"
          className="button button--small"
          aria-disabled={snoozing || undefined}
          onClick={() => {
            if (!snoozing) snooze()
          }}
        >
          {snoozing ? <Spinner size={13} /> : null}
          Snooze 1 h
        </button>
      </div>
    </div>
  )
}
