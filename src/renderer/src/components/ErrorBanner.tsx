/** An inline error: what failed, the DrydockError's own message, and what the user can do. */
import type { ReactNode } from 'react'
import { errorCode, errorMessage } from '../errors'
import { AlertIcon, CloseIcon, RetryIcon } from './Icons'
import { RichText } from './RichText'

export interface ErrorBannerProps {
  /** What was being attempted, e.g. "Couldn't load app information". */
  title: string
  error: unknown
  onRetry?: (() => void) | undefined
  retryLabel?: string
  busy?: boolean
  onDismiss?: (() => void) | undefined
}

export function ErrorBanner({
  title,
  error,
  onRetry,
  retryLabel = 'Try again',
  busy = false,
  onDismiss,
}: ErrorBannerProps): ReactNode {
  const code = errorCode(error)
  return (
    <div className="banner banner--error" role="alert" data-testid="error-banner">
      <AlertIcon className="banner__icon" size={20} />
      <div className="banner__body">
        <p className="banner__title">{title}</p>
        <p className="banner__message">
          <RichText text={errorMessage(error)} />
          {code ? <span className="banner__code">{code}</span> : null}
        </p>
      </div>
      {onRetry || onDismiss ? (
        <div className="banner__actions">
          {onRetry ? (
            <button
              type="button"
              className="button button--small"
              onClick={onRetry}
              disabled={busy}
            >
              <RetryIcon size={14} />
              {busy ? 'Trying…' : retryLabel}
            </button>
          ) : null}
          {onDismiss ? (
            <button
              type="button"
              className="icon-button"
              onClick={onDismiss}
              aria-label="Dismiss this error"
            >
              <CloseIcon size={16} />
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  )
}
