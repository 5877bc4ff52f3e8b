/**
 * The log's health, on every page: for as long as the log cannot be used (no cleanup runs
 * without it); when a corrupt log was moved aside at start-up and its Settings (the protected
 * images among them) were lost, until the user says they have reviewed Settings (policy cleanups
 * wait until then: acknowledgeLogRecovery); and once, as information, when that was acknowledged
 * before.
 */
import { useCallback, useState, type ReactNode } from 'react'
import type { LogStatus } from '../../../shared/contract'
import { useClient } from '../client-context'
import { errorMessage } from '../errors'
import { useAsync } from '../hooks/useAsync'
import { hrefFor } from '../routes'
import { AlertIcon } from './Icons'
import { Spinner } from './Spinner'

export function LogNotice(): ReactNode {
  const client = useClient()
  const status = useAsync(useCallback(() => client.getLogStatus(), [client]))
  const [acknowledged, setAcknowledged] = useState<LogStatus | null>(null)
  const [dismissed, setDismissed] = useState(false)
  if (status.status !== 'ready' || dismissed) return null
  const log = acknowledged ?? status.value

  if (log.status === 'unusable') {
    return (
      <div className="banner banner--alert" role="alert" data-testid="log-unusable">
        <AlertIcon className="banner__icon" size={20} />
        <div className="banner__body">
          <p className="banner__title">Cleanup is off: Drydock cannot use its log.</p>
          <p className="banner__message">{log.error}</p>
        </div>
      </div>
    )
  }
  if (log.recoveryPending !== null) {
    return <RecoveryPending log={log} onAcknowledged={setAcknowledged} />
  }
  // Acknowledged in this window just now: nothing more to say.
  if (!log.movedAsideTo || acknowledged) return null
  return (
    <div className="banner banner--info" role="status" data-testid="log-recovered">
      <AlertIcon className="banner__icon" size={20} />
      <div className="banner__body">
        <p className="banner__title">Drydock started a new log.</p>
        <p className="banner__message">
          The log at <code>{log.path}</code> could not be read, so it was moved to{' '}
          <code>{log.movedAsideTo}</code>. Cleanups recorded before are in that file.
        </p>
      </div>
      <div className="banner__actions">
        <button type="button" className="button button--small" onClick={() => setDismissed(true)}>
          Dismiss
        </button>
      </div>
    </div>
  )
}

function RecoveryPending({
  log,
  onAcknowledged,
}: {
  log: LogStatus
  onAcknowledged: (status: LogStatus) => void
}): ReactNode {
  const client = useClient()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)

  function acknowledge(): void {
    if (busy) return
    setBusy(true)
    setError(null)
    client.acknowledgeLogRecovery().then(
      (next) => {
        setBusy(false)
        onAcknowledged(next)
      },
      (failure: unknown) => {
        setBusy(false)
        setError(failure)
      },
    )
  }

  return (
    <div className="banner banner--alert" role="alert" data-testid="log-recovery-pending">
      <AlertIcon className="banner__icon" size={20} />
      <div className="banner__body">
        <p className="banner__title">
          Drydock replaced its log, and the Settings in it were lost: review them before policy
          cleanups run.
        </p>
        <p className="banner__message">
          The log at <code>{log.path}</code> could not be read, so it was moved aside to{' '}
          <code>{log.recoveryPending}</code>. Its Settings went with it, among them the images you
          protected. Until you say you have reviewed Settings, cleanups by a policy (“Clean up
          safely”, automatic cleanup, whole kinds) wait; items you choose by name can still be
          removed.
        </p>
        {error ? (
          <p className="banner__message">Could not record it: {errorMessage(error)}</p>
        ) : null}
      </div>
      <div className="banner__actions">
        <a className="button button--small" href={hrefFor('settings')}>
          Open Settings
        </a>
        <button
          type="button"
          className="button button--small button--primary"
          aria-disabled={busy || undefined}
          onClick={acknowledge}
        >
          {busy ? <Spinner size={13} /> : null}
          I’ve reviewed Settings
        </button>
      </div>
    </div>
  )
}
