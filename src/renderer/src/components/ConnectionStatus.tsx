/**
 * The top bar's live connection indicator. `data-status` mirrors the state's status (tests rely
 * on it); before the first answer the service is, by definition, still connecting.
 */
import type { ReactNode } from 'react'
import { describeHost } from '../describe'
import { errorMessage } from '../errors'
import type { ConnectionView } from '../hooks/useConnection'
import { RetryButton } from './RetryButton'
import { Spinner } from './Spinner'

type IndicatorStatus = 'connecting' | 'connected' | 'unreachable' | 'unknown'

export function ConnectionStatus({ view }: { view: ConnectionView }): ReactNode {
  const { state, error, retrying, retry } = view
  const status: IndicatorStatus = state?.status ?? (error ? 'unknown' : 'connecting')
  const busy = status === 'connecting' || retrying

  let label: string
  let detail: string | null
  if (!state) {
    label = error ? 'Connection state unknown' : 'Connecting to Docker…'
    detail = error ? errorMessage(error) : null
  } else if (state.status === 'connecting' || retrying) {
    label = 'Connecting to'
    detail = describeHost(state.host)
  } else if (state.status === 'connected') {
    label = `Docker ${state.engine.version}`
    detail = describeHost(state.host)
  } else {
    label = state.code === 'invalid-host' ? 'Invalid Docker host' : 'Engine unreachable'
    detail = state.reason
  }

  return (
    <div className="topbar">
      <div
        className={`status status--${busy ? 'connecting' : status}`}
        role="status"
        aria-live="polite"
        data-testid="connection-status"
        data-status={status}
      >
        {busy ? <Spinner /> : <span className="status__dot" aria-hidden="true" />}
        <span className="status__label">{label}</span>{' '}
        {detail ? (
          <span className="status__detail" title={detail}>
            {detail}
          </span>
        ) : null}
      </div>
      {status === 'unreachable' || status === 'unknown' ? (
        <RetryButton onRetry={retry} retrying={retrying} testId="retry-connection" />
      ) : null}
    </div>
  )
}
