/**
 * Low-disk alerts from the monitor, on every page: the window's (and browser mode's only) way of
 * showing them. The monitor's state is the truth: read at mount and again on each `alert` event
 * (a raised one shows at once meanwhile); `monitor` events bring snoozes chosen elsewhere (the
 * tray, another window). Hidden while snoozed, back when the snooze ends.
 */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react'
import type { Alert, MonitorState } from '../../../shared/monitor'
import { useCleanupRunContext } from '../cleanup/useCleanupRun'
import { useClient } from '../client-context'
import { engineName } from '../engines/engine-words'
import { useConnectionView } from '../hooks/useConnection'
import { errorMessage } from '../errors'
import { useClientEvent } from '../hooks/useClientEvent'
import { useNow } from '../hooks/useNow'
import { snoozeOneHour, snoozeUntilTomorrow } from '../snooze'
import { AlertIcon } from './Icons'
import { Spinner } from './Spinner'

/** Alerts by id: a raised alert is added, a cleared one (clearedAt set) removed. Each engine
 * followed has its own alerts (at most one per kind each). */
function withAlert(alerts: Alert[], alert: Alert): Alert[] {
  const others = alerts.filter(
    (a) => a.id !== alert.id && !(a.kind === alert.kind && a.engineHost === alert.engineHost),
  )
  return alert.clearedAt === null ? [...others, alert] : others
}

export function AlertBanner(): ReactNode {
  const client = useClient()
  const running = useCleanupRunContext().state.kind === 'running'
  const shownHost = useConnectionView().state?.host ?? null
  const now = useNow(15_000)
  const [alerts, setAlerts] = useState<Alert[]>([])
  const [snoozedUntil, setSnoozedUntil] = useState<string | null>(null)
  const [snoozing, setSnoozing] = useState(false)
  const [snoozeError, setSnoozeError] = useState<unknown>(null)

  const applyState = useCallback((state: MonitorState) => {
    setAlerts(state.active.filter((alert) => alert.clearedAt === null))
    setSnoozedUntil(state.snoozedUntil)
  }, [])

  // Reads answer in order of asking: an older answer must not undo a newer one.
  const reads = useRef(0)
  const readState = useCallback(() => {
    const read = ++reads.current
    // Without a monitor there is nothing to show: an error here is not worth a banner of its own.
    client.getMonitorState().then(
      (state) => {
        if (read === reads.current) applyState(state)
      },
      () => undefined,
    )
  }, [client, applyState])

  useEffect(() => {
    readState()
    return () => {
      reads.current += 1
    }
  }, [readState])

  useClientEvent('alert', (alert) => {
    setAlerts((current) => withAlert(current, alert))
    readState()
  })
  useClientEvent('monitor', (state) => {
    reads.current += 1
    applyState(state)
  })

  // Back the moment a snooze ends, not at the next tick of the clock.
  useEffect(() => {
    if (snoozedUntil === null) return
    const left = Date.parse(snoozedUntil) - Date.now()
    if (!(left > 0)) return
    const ended = snoozedUntil
    const timer = setTimeout(
      () => setSnoozedUntil((current) => (current === ended ? null : current)),
      Math.min(left + 50, 2 ** 31 - 1),
    )
    return () => clearTimeout(timer)
  }, [snoozedUntil])

  function snooze(until: Date): void {
    setSnoozing(true)
    setSnoozeError(null)
    client.snoozeAlerts({ until: until.toISOString() }).then(
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
          <p className="banner__title" key={alert.id} data-host={alert.engineHost}>
            {/* A followed engine's alert names its engine: the pages show another one. */}
            {shownHost !== null && alert.engineHost !== shownHost
              ? `${engineName({ host: alert.engineHost, name: '' })}: `
              : null}
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
        {snoozing ? <Spinner size={13} /> : null}
        <button
          type="button"
          className="button button--small"
          aria-disabled={snoozing || undefined}
          onClick={() => {
            if (!snoozing) snooze(snoozeOneHour(new Date()))
          }}
        >
          Snooze 1 h
        </button>
        <button
          type="button"
          className="button button--small"
          aria-disabled={snoozing || undefined}
          onClick={() => {
            if (!snoozing) snooze(snoozeUntilTomorrow(new Date()))
          }}
        >
          Until tomorrow
        </button>
      </div>
    </div>
  )
}
