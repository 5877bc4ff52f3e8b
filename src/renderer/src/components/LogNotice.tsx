/**
 * The log's health, on every page: told once when a corrupt log was moved aside at start-up, and
 * for as long as the log cannot be used (no cleanup runs without it).
 */
import { useCallback, useState, type ReactNode } from 'react'
import { useClient } from '../client-context'
import { useAsync } from '../hooks/useAsync'
import { AlertIcon } from './Icons'

export function LogNotice(): ReactNode {
  const client = useClient()
  const status = useAsync(useCallback(() => client.getLogStatus(), [client]))
  const [dismissed, setDismissed] = useState(false)
  if (status.status !== 'ready' || dismissed) return null
  const log = status.value

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
  if (!log.movedAsideTo) return null
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
