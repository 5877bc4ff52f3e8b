/** "Pull again": brings a removed image back by its repository digest (a run's restore hint). */
import { useState, type ReactNode } from 'react'
import { useClient } from '../client-context'
import { Spinner } from '../components/Spinner'
import { errorMessage } from '../errors'
import { shortId } from './describe-run'

type PullState =
  | { status: 'idle' }
  | { status: 'pulling' }
  | { status: 'done'; imageId: string }
  | { status: 'failed'; error: unknown }

export function RestoreButton({
  reference,
  engineReady,
}: {
  /** `repo@sha256:…` */
  reference: string
  /** Pulling needs the engine; History itself does not. */
  engineReady: boolean
}): ReactNode {
  const client = useClient()
  const [state, setState] = useState<PullState>({ status: 'idle' })

  function pull(): void {
    setState({ status: 'pulling' })
    client.restoreImage({ reference }).then(
      (result) => setState({ status: 'done', imageId: result.imageId }),
      (error: unknown) => setState({ status: 'failed', error }),
    )
  }

  return (
    <span className="restore">
      <button
        type="button"
        className="button button--small"
        disabled={!engineReady}
        title={engineReady ? undefined : 'Needs the Docker engine, which is not reachable'}
        aria-disabled={state.status === 'pulling' || undefined}
        onClick={() => {
          if (state.status !== 'pulling') pull()
        }}
      >
        {state.status === 'pulling' ? <Spinner size={13} /> : null}
        {state.status === 'pulling' ? 'Pulling…' : 'Pull again'}
      </button>
      <span className="restore__status" role="status">
        {state.status === 'done' ? (
          <span className="restore__ok">Pulled as {shortId(state.imageId)}</span>
        ) : state.status === 'failed' ? (
          <span className="restore__error">{errorMessage(state.error)}</span>
        ) : null}
      </span>
    </span>
  )
}
