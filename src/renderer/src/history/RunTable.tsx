/** The runs, newest first: each row opens the run's detail (a link to `#/history?run=<id>`). */
import type { ReactNode } from 'react'
import { formatBytes } from '../../../shared/format'
import type { RunSummary } from '../../../shared/history'
import { formatDateTime } from '../describe'
import { TRIGGER_LABELS } from './describe-run'
import { RunStatusChip } from './RunStatusChip'

export function RunTable({
  runs,
  hrefFor,
  engineLabel,
}: {
  runs: RunSummary[]
  hrefFor: (runId: string) => string
  /** The engine column's words for a host; no column when null (runs on one engine only). */
  engineLabel: ((host: string) => string) | null
}): ReactNode {
  return (
    <div className="table-wrap">
      <table className="table runs-table" data-testid="runs-table">
        <caption className="visually-hidden">
          Cleanup runs, newest first. Open a run to see each item’s outcome.
        </caption>
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">Trigger</th>
            {engineLabel ? <th scope="col">Engine</th> : null}
            <th scope="col">Mode</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Items
            </th>
            <th scope="col" className="num">
              Predicted
            </th>
            <th scope="col" className="num">
              Reclaimed
            </th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr
              key={run.id}
              data-testid="run-row"
              data-run-id={run.id}
              className="table__row--link"
              onClick={(event) => {
                // The whole row is a target for the mouse; the link in it is the keyboard's.
                if ((event.target as HTMLElement).closest('a')) return
                window.location.hash = hrefFor(run.id)
              }}
            >
              <td>
                <a href={hrefFor(run.id)} className="runs-table__open">
                  <time dateTime={run.startedAt}>{formatDateTime(run.startedAt)}</time>
                </a>
              </td>
              <td>{TRIGGER_LABELS[run.trigger]}</td>
              {engineLabel ? (
                <td className="runs-table__engine" title={run.engineHost} data-testid="run-engine">
                  {engineLabel(run.engineHost)}
                </td>
              ) : null}
              <td>
                {run.mode === 'forced' ? (
                  <span className="chip chip--danger">Forced</span>
                ) : (
                  <span className="chip">Safe</span>
                )}
              </td>
              <td>
                <RunStatusChip status={run.status} />
              </td>
              <td className="num">{run.itemCount.toLocaleString()}</td>
              <td className="num">{formatBytes(run.predictedBytes)}</td>
              <td className="num">
                {run.reclaimedBytes === null ? '—' : formatBytes(run.reclaimedBytes)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
