/**
 * Calls reconnect(). Stays in place while the attempt runs (aria-disabled rather than disabled,
 * so keyboard focus is not thrown away) and says what it is doing.
 */
import type { ReactNode } from 'react'
import { RetryIcon } from './Icons'
import { Spinner } from './Spinner'

export function RetryButton({
  onRetry,
  retrying,
  label = 'Retry',
  variant = 'small',
  testId,
}: {
  onRetry: () => void
  retrying: boolean
  label?: string
  variant?: 'small' | 'primary'
  testId?: string
}): ReactNode {
  return (
    <button
      type="button"
      className={`button button--${variant}`}
      aria-disabled={retrying || undefined}
      onClick={() => {
        if (!retrying) onRetry()
      }}
      data-testid={testId}
    >
      {retrying ? <Spinner size={13} /> : <RetryIcon size={14} />}
      {retrying ? 'Connecting…' : label}
    </button>
  )
}
