/** A run in progress (progress bar, outcomes as they arrive, Cancel) and its result. */
import { useEffect, useRef, type ReactNode } from 'react'
import type { CleanResult, Plan } from '../../../shared/cleanup'
import { formatBytes } from '../../../shared/format'
import { Spinner } from '../components/Spinner'
import { errorMessage } from '../errors'
import { nounFor } from '../kinds/words'
import { itemKey, runnableItems } from './describe'
import { PlanTable, type ItemOutcome } from './PlanTable'
import type { RunState } from './useCleanupRun'

type Running = Extract<RunState, { kind: 'running' }>

export function RunningView({
  plan,
  run,
  onCancel,
}: {
  plan: Plan
  run: Running
  onCancel: () => void
}): ReactNode {
  const runnable = runnableItems(plan)
  const total = run.progress?.total ?? runnable.length
  const noun = nounFor(runnable, total)
  const done = Math.max(run.progress?.done ?? 0, run.outcomes.size)
  const outcomes = new Map<string, ItemOutcome>(
    [...run.outcomes].map(([key, item]) => [
      key,
      { outcome: item.outcome, reclaimedBytes: item.reclaimedBytes, error: item.error ?? null },
    ]),
  )
  return (
    <>
      <section className="run-progress card" aria-labelledby="run-progress-title">
        <div className="run-progress__header">
          <h2 id="run-progress-title" className="card__title">
            <span className="run-progress__title">
              <Spinner size={14} /> Cleaning up…
            </span>
          </h2>
          <button
            type="button"
            className="button button--small"
            aria-disabled={run.runId === null || run.cancelling || undefined}
            onClick={onCancel}
          >
            {run.cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        </div>
        <progress
          className="run-progress__bar"
          max={Math.max(total, 1)}
          value={done}
          aria-label="Cleanup progress"
          aria-valuetext={`${done} of ${total} ${noun}`}
        />
        <p className="run-progress__status" role="status" aria-live="polite">
          {done} of {total.toLocaleString()} {noun} done
          {run.progress?.message ? <span className="muted"> · {run.progress.message}</span> : null}
        </p>
        {run.cancelling ? (
          <p className="muted">Stopping after the {nounFor(runnable, 2)} already being removed.</p>
        ) : null}
        {run.cancelError ? (
          <p className="field-error" role="alert">
            Could not cancel: {errorMessage(run.cancelError)}
          </p>
        ) : null}
      </section>
      <PlanTable plan={plan} outcomes={outcomes} running />
    </>
  )
}

const STATUS_TEXT: Record<CleanResult['status'], string> = {
  done: 'Cleanup finished',
  partial: 'Cleanup finished with some failures',
  failed: 'Cleanup failed',
  cancelled: 'Cleanup cancelled',
}

export function ResultView({
  plan,
  result,
  onPlanAgain,
}: {
  plan: Plan
  result: CleanResult
  onPlanAgain: () => void
}): ReactNode {
  const heading = useRef<HTMLHeadingElement>(null)
  // The page changed under the user's feet: say so by moving focus to the result.
  useEffect(() => heading.current?.focus(), [])
  const outcomes = new Map<string, ItemOutcome>(
    result.items.map((item) => [
      itemKey(item),
      { outcome: item.outcome, reclaimedBytes: item.reclaimedBytes, error: item.error ?? null },
    ]),
  )
  const difference = result.reclaimedBytes - result.predictedBytes
  return (
    <>
      <section
        className={`run-result card run-result--${result.status}`}
        aria-labelledby="run-result-title"
        data-testid="run-result"
        data-status={result.status}
      >
        <h2 id="run-result-title" className="run-result__title" tabIndex={-1} ref={heading}>
          {STATUS_TEXT[result.status]}
        </h2>
        <dl className="run-result__figures">
          <div>
            <dt>Reclaimed</dt>
            <dd
              data-testid="reclaimed-bytes"
              title={`${result.reclaimedBytes.toLocaleString()} bytes`}
            >
              {formatBytes(result.reclaimedBytes)}
            </dd>
          </div>
          <div>
            <dt>Predicted</dt>
            <dd
              data-testid="predicted-bytes"
              title={`${result.predictedBytes.toLocaleString()} bytes`}
            >
              {formatBytes(result.predictedBytes)}
            </dd>
          </div>
          <div>
            <dt>Difference</dt>
            <dd>
              {difference === 0
                ? 'as predicted'
                : `${difference > 0 ? '+' : ''}${formatBytes(difference)}`}
            </dd>
          </div>
        </dl>
        <p className="run-result__links">
          <a href={`#/history?run=${encodeURIComponent(result.runId)}`}>Open this run in History</a>
          <button type="button" className="button button--small" onClick={onPlanAgain}>
            Plan again
          </button>
        </p>
      </section>
      <PlanTable plan={plan} outcomes={outcomes} />
    </>
  )
}
