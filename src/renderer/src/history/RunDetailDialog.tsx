/**
 * One run from the log, item by item: what was planned, what happened, the errors, and how to get
 * a removed image back. Read from the log only, so it opens with the engine down.
 */
import { useCallback, type ReactNode } from 'react'
import { formatBytes } from '../../../shared/format'
import { restoreCommand } from '../../../shared/history-text'
import type { RunDetail } from '../../../shared/history'
import { useClient } from '../client-context'
import { Dialog } from '../components/Dialog'
import { ErrorBanner } from '../components/ErrorBanner'
import { Fact } from '../components/Facts'
import { SkeletonCard } from '../components/Skeleton'
import { formatDateTime, formatDuration } from '../describe'
import { useAsync } from '../hooks/useAsync'
import {
  describeSelection,
  itemName,
  OUTCOME_LABELS,
  shortId,
  TRIGGER_LABELS,
} from './describe-run'
import { KindIcon } from '../kinds/KindIcon'
import { KIND_NOUNS } from '../kinds/words'
import { RestoreButton } from './RestoreButton'
import { RunStatusChip } from './RunStatusChip'

const ACTION_LABELS = {
  delete: 'Delete',
  untag: 'Untag only',
  blocked: 'Blocked',
  keep: 'Keep',
} as const

const OUTCOME_TONES = {
  deleted: 'ok',
  untagged: 'ok',
  skipped: 'neutral',
  failed: 'danger',
} as const

export function RunDetailDialog({
  runId,
  engineReady,
  onClose,
}: {
  runId: string
  engineReady: boolean
  onClose: () => void
}): ReactNode {
  const client = useClient()
  const run = useAsync(useCallback(() => client.getRun({ id: runId }), [client, runId]))

  return (
    <Dialog
      title={
        run.status === 'ready' && run.value ? (
          <>
            Cleanup of {formatDateTime(run.value.startedAt)}{' '}
            <RunStatusChip status={run.value.status} />
          </>
        ) : (
          'Cleanup run'
        )
      }
      subtitle={<span className="mono">{runId}</span>}
      onClose={onClose}
      testId="run-detail"
      wide
    >
      {run.status === 'loading' ? (
        <SkeletonCard lines={6} />
      ) : run.status === 'error' ? (
        <ErrorBanner title="Could not read this run" error={run.error} onRetry={run.reload} />
      ) : run.value === null ? (
        <p data-testid="run-not-found">
          The log has no run with this ID. It may come from another Drydock log file.
        </p>
      ) : (
        <RunBody run={run.value} engineReady={engineReady} />
      )}
    </Dialog>
  )
}

function RunBody({ run, engineReady }: { run: RunDetail; engineReady: boolean }): ReactNode {
  const restorable = run.items.some((item) => restoreCommand(item) !== null)
  const images = run.items.some((item) => item.kind === 'image')
  return (
    <>
      {run.error ? (
        <div className="banner banner--error" role="note">
          <div className="banner__body">
            <p className="banner__title">The run stopped with an error</p>
            <p className="banner__message">{run.error}</p>
          </div>
        </div>
      ) : null}
      <dl className="facts facts--columns">
        <Fact label="Reclaimed">
          <strong className="num" data-testid="run-reclaimed">
            {run.reclaimedBytes === null ? '—' : formatBytes(run.reclaimedBytes)}
          </strong>{' '}
          of <span className="num">{formatBytes(run.predictedBytes)}</span> predicted
        </Fact>
        <Fact label="Trigger">{TRIGGER_LABELS[run.trigger]}</Fact>
        <Fact label="Mode">{run.mode === 'forced' ? 'Forced' : 'Safe'}</Fact>
        <Fact label="Took">{formatDuration(run.startedAt, run.finishedAt)}</Fact>
        <Fact label="Engine" mono>
          {run.engineHost}
        </Fact>
        <Fact label="Selection">
          <span title={JSON.stringify(run.selection, null, 2)}>
            {describeSelection(run.selection)}
          </span>
        </Fact>
      </dl>

      <div className="table-wrap">
        <table className="table items-table" data-testid="run-items">
          <caption className="visually-hidden">What happened to each item</caption>
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Item</th>
              <th scope="col">Planned</th>
              <th scope="col" className="num">
                Predicted
              </th>
              <th scope="col">Outcome</th>
              <th scope="col" className="num">
                Reclaimed
              </th>
            </tr>
          </thead>
          <tbody>
            {run.items.map((item) => {
              const restore = restoreCommand(item)
              return (
                <tr
                  key={item.seq}
                  data-testid="run-item"
                  data-image-id={item.id}
                  data-kind={item.kind}
                >
                  <td className="items-table__kind">
                    <span className="items-table__kind-label">
                      <KindIcon kind={item.kind} size={14} />
                      {KIND_NOUNS[item.kind][0]}
                    </span>
                  </td>
                  <td className="items-table__image">
                    <span className="mono" title={item.id}>
                      {itemName(item)}
                    </span>
                    {item.tags.length > 1 ? (
                      <span className="muted"> +{item.tags.length - 1} more</span>
                    ) : null}
                    {item.tags.length > 0 || item.kind === 'container' ? (
                      <span className="muted mono items-table__id">{shortId(item.id)}</span>
                    ) : null}
                    {item.error ? (
                      <p className="items-table__error" data-testid="run-item-error">
                        {item.error}
                      </p>
                    ) : null}
                    {restore ? (
                      <div className="items-table__restore">
                        <code>{restore}</code>
                        <RestoreButton reference={item.digests[0]!} engineReady={engineReady} />
                      </div>
                    ) : null}
                  </td>
                  <td>{ACTION_LABELS[item.predictedAction]}</td>
                  <td className="num">{formatBytes(item.predictedBytes)}</td>
                  <td>
                    {item.outcome === null ? (
                      <span className="chip" title="Planned, but the run ended before it">
                        Not done
                      </span>
                    ) : (
                      <span className={`chip chip--${OUTCOME_TONES[item.outcome]}`}>
                        {OUTCOME_LABELS[item.outcome]}
                      </span>
                    )}
                  </td>
                  <td className="num">
                    {item.reclaimedBytes === null ? '—' : formatBytes(item.reclaimedBytes)}
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
      {images ? (
        <p className="muted">
          {restorable
            ? 'Images that came from a registry can be pulled again by their digest.'
            : 'None of these images came from a registry with a known digest, so none can be pulled again; rebuild or reload them instead.'}
        </p>
      ) : null}
    </>
  )
}
