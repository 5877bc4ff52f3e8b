/**
 * What the saved automatic cleanup will do and what it did: "Next automatic cleanup: <when> —
 * would remove <n items, bytes> now" with a Preview of exactly that selection, and the recent
 * automatic runs (each ran, skipped or failed, and why; a link to the run in History). Read
 * again after a save and on each `automation` event.
 */
import { useCallback, type ReactNode } from 'react'
import type { AutomaticRun } from '../../../shared/automation'
import type { Automation } from '../../../shared/settings'
import { automaticPreviewHash } from '../cleanup/request'
import { useClient } from '../client-context'
import { ErrorBanner } from '../components/ErrorBanner'
import { SkeletonLine } from '../components/Skeleton'
import { formatDateTime } from '../describe'
import { useEventCount } from '../hooks/useClientEvent'
import { useLive } from '../hooks/useLive'
import { useNow } from '../hooks/useNow'
import {
  AUTOMATIC_OUTCOME_LABELS,
  AUTOMATIC_TRIGGER_LABELS,
  automaticOutcomeTone,
  describeAutomaticPolicy,
  describeSchedule,
  nextCleanupLine,
  readableReason,
} from './automation-words'

export function AutomationStatusPanel({ automation }: { automation: Automation }): ReactNode {
  const client = useClient()
  const now = useNow()
  const tick = useEventCount('automation')
  // The saved settings, not the form's: what will really happen. A save asks again.
  const savedKey = JSON.stringify(automation)
  const load = useCallback(
    () => client.getAutomation(),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- savedKey stands for `automation`.
    [client, savedKey],
  )
  const status = useLive(load, tick)

  return (
    <div
      className="automation-status"
      data-testid="automation-status"
      aria-busy={status.status === 'loading' || status.refreshing}
    >
      <p className="muted" data-testid="automation-saved">
        Saved: {automation.enabled ? 'on' : 'off'} · {describeSchedule(automation.schedule)}
        {automation.onAlert ? ' and on a low-disk alert' : ''} ·{' '}
        {describeAutomaticPolicy(automation.policy)}.
      </p>
      {status.status === 'loading' ? (
        <SkeletonLine width="70%" />
      ) : status.status === 'error' ? (
        <ErrorBanner
          title="Could not read what automatic cleanup will do"
          error={status.error}
          onRetry={status.reload}
        />
      ) : (
        <>
          <NextLine
            text={nextCleanupLine(status.value, automation, now).text}
            preview={status.value.enabled ? automaticPreviewHash(automation.policy) : null}
          />
          <RecentRuns runs={status.value.recent} />
        </>
      )}
    </div>
  )
}

function NextLine({ text, preview }: { text: string; preview: string | null }): ReactNode {
  return (
    <div className="automation-status__next">
      <p data-testid="automation-next">{text}</p>
      {preview ? (
        <a
          className="button button--small"
          href={preview}
          data-testid="automation-preview"
          aria-label="Preview what automatic cleanup would remove now"
        >
          Preview
        </a>
      ) : null}
    </div>
  )
}

function RecentRuns({ runs }: { runs: AutomaticRun[] }): ReactNode {
  if (runs.length === 0) {
    return <p className="muted">No automatic cleanup has been due yet.</p>
  }
  return (
    <div className="table-wrap">
      <table className="table automation-runs" data-testid="automation-runs">
        <caption className="automation-runs__caption">Recent automatic cleanups</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Started by</th>
            <th scope="col">Outcome</th>
            <th scope="col">Why</th>
            <th scope="col">
              <span className="visually-hidden">In History</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id} data-testid="automation-run" data-outcome={run.outcome}>
              <td>
                <time dateTime={run.at}>{formatDateTime(run.at)}</time>
              </td>
              <td>{AUTOMATIC_TRIGGER_LABELS[run.trigger]}</td>
              <td>
                <span className={`chip chip--${automaticOutcomeTone(run.outcome)}`}>
                  {AUTOMATIC_OUTCOME_LABELS[run.outcome]}
                </span>
              </td>
              <td className="automation-runs__reason">{readableReason(run.reason)}</td>
              <td>
                {run.runId ? (
                  <a href={`#/history?run=${encodeURIComponent(run.runId)}`}>
                    See the run
                    <span className="visually-hidden"> of {formatDateTime(run.at)}</span>
                  </a>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
