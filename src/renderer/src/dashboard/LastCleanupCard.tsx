/** The last cleanup's result, from the log (works with no engine), with a link to its details. */
import { useCallback, type ReactNode } from 'react'
import { formatAge, formatBytes } from '../../../shared/format'
import { useClient } from '../client-context'
import { Card } from '../components/Card'
import { ErrorBanner } from '../components/ErrorBanner'
import { SkeletonLine } from '../components/Skeleton'
import { formatDateTime, plural } from '../describe'
import { TRIGGER_LABELS } from '../history/describe-run'
import { RunStatusChip } from '../history/RunStatusChip'
import { useLive } from '../hooks/useLive'
import { useNow } from '../hooks/useNow'

export function LastCleanupCard({ tick }: { tick: number }): ReactNode {
  const client = useClient()
  const now = useNow()
  const runs = useLive(
    useCallback(() => client.listRuns({ limit: 1 }), [client]),
    tick,
  )

  return (
    <Card
      title="Last cleanup"
      labelledBy="last-cleanup-title"
      className="last-cleanup"
      testId="last-cleanup"
    >
      {runs.status === 'loading' ? (
        <div className="last-cleanup__body" aria-hidden="true">
          <SkeletonLine width="40%" />
          <SkeletonLine width="75%" />
          <SkeletonLine width="55%" />
        </div>
      ) : runs.status === 'error' ? (
        <ErrorBanner
          title="Could not read the cleanup log"
          error={runs.error}
          onRetry={runs.reload}
        />
      ) : runs.value.length === 0 ? (
        <p className="last-cleanup__body muted">
          No cleanups yet. Each one is recorded here and in History.
        </p>
      ) : (
        (() => {
          const run = runs.value[0]!
          return (
            <div className="last-cleanup__body">
              <p>
                <RunStatusChip status={run.status} />{' '}
                <time dateTime={run.startedAt} title={formatDateTime(run.startedAt)}>
                  {formatAge(new Date(run.startedAt), now)}
                </time>{' '}
                <span className="muted">· {TRIGGER_LABELS[run.trigger]}</span>
              </p>
              <p className="last-cleanup__figures">
                Reclaimed{' '}
                <strong className="num" data-testid="last-cleanup-reclaimed">
                  {run.reclaimedBytes === null ? '—' : formatBytes(run.reclaimedBytes)}
                </strong>{' '}
                of <span className="num">{formatBytes(run.predictedBytes)}</span> predicted ·{' '}
                {plural(run.itemCount, 'image')}
              </p>
              {run.error ? <p className="muted">{run.error}</p> : null}
              <p>
                <a href={`#/history?run=${encodeURIComponent(run.id)}`}>See what it did</a>
              </p>
            </div>
          )
        })()
      )}
    </Card>
  )
}
