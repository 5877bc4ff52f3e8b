/** The failure of the last getConnection()/reconnect() call, on whichever page is open. */
import type { ReactNode } from 'react'
import { useConnectionView } from '../hooks/useConnection'
import { ErrorBanner } from './ErrorBanner'

export function ConnectionErrorBanner(): ReactNode {
  const { state, error, retrying, retry, dismissError } = useConnectionView()
  if (!error) return null
  return (
    <ErrorBanner
      title={
        state
          ? 'Reconnecting to the engine failed'
          : 'Drydock could not get the engine connection state'
      }
      error={error}
      onRetry={retry}
      busy={retrying}
      onDismiss={state ? dismissError : undefined}
    />
  )
}
