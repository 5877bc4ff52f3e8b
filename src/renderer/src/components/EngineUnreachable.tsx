/** Why there is no engine, and what to check: shown wherever a page needs the engine. */
import type { ReactNode } from 'react'
import type { ConnectionState } from '../../../shared/contract'
import { describeHost } from '../describe'
import { PlugOffIcon } from './Icons'
import { RetryButton } from './RetryButton'
import { RichText } from './RichText'
import { EmptyState } from './EmptyState'

type Unreachable = Extract<ConnectionState, { status: 'unreachable' }>

export function EngineUnreachable({
  state,
  retrying,
  onRetry,
  compact = false,
}: {
  state: Unreachable
  retrying: boolean
  onRetry: () => void
  /** Pages other than the dashboard show the reason without the checklist. */
  compact?: boolean
}): ReactNode {
  const invalidHost = state.code === 'invalid-host'
  return (
    <EmptyState
      tone="danger"
      testId="engine-unreachable"
      icon={<PlugOffIcon size={28} />}
      title={invalidHost ? 'The Docker host setting is not usable' : 'Docker engine not reachable'}
      actions={
        <RetryButton
          onRetry={onRetry}
          retrying={retrying}
          label="Retry connection"
          variant="primary"
          testId="retry-engine"
        />
      }
    >
      <p className="reason" data-testid="unreachable-reason">
        <RichText text={state.reason} />
      </p>
      {compact ? null : (
        <>
          <p>
            Drydock is trying <code>{describeHost(state.host)}</code>. Things to check:
          </p>
          <ul className="checklist">
            {invalidHost ? (
              <li>
                <strong>The host URL.</strong> Use a form Docker understands, such as{' '}
                <code>unix:///var/run/docker.sock</code>, <code>tcp://host:2376</code> or{' '}
                <code>ssh://user@host</code>, in <code>--host</code>, <code>DOCKER_HOST</code> or
                the current Docker context.
              </li>
            ) : (
              <>
                <li>
                  <strong>Is Docker running?</strong> Start Docker Desktop, or the service with{' '}
                  <code>sudo systemctl start docker</code>; <code>docker info</code> should answer.
                </li>
                <li>
                  <strong>Is it the right engine?</strong> Drydock follows <code>--host</code>, then{' '}
                  <code>DOCKER_HOST</code>, then the current Docker context (
                  <code>docker context ls</code>), then the default local socket.
                </li>
                <li>
                  <strong>Can you open the socket?</strong> On Linux your user needs to be in the{' '}
                  <code>docker</code> group (log out and back in after adding it), or use rootless
                  Docker’s socket.
                </li>
              </>
            )}
          </ul>
          <p className="muted">Your cleanup history stays available while the engine is away.</p>
        </>
      )}
    </EmptyState>
  )
}
