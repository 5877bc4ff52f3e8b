/**
 * Runs newest first, a page at a time: the first page loads when the filters change, "Load more"
 * asks for the runs started before the last one shown (listRuns' `beforeStartedAt` cursor). A
 * `tick` (a new usage sample, taken after each cleanup) refreshes in place: the first page is read
 * again and merged into what is shown, keeping the pages loaded and the scroll position.
 */
import { useCallback, useEffect, useRef, useState } from 'react'
import type { DrydockClient } from '../../../shared/contract'
import type { RunSummary } from '../../../shared/history'
import type { RunQuery } from './filters'
import { PAGE_SIZE, withFirstPage } from './run-pages'

interface Pages {
  /** Which filters (and reload) these pages answer. */
  key: string
  runs: RunSummary[]
  done: boolean
  error: unknown
  loadingMore: boolean
}

export type RunPages =
  | { status: 'loading' }
  | { status: 'error'; error: unknown }
  | {
      status: 'ready'
      runs: RunSummary[]
      done: boolean
      loadingMore: boolean
      moreError: unknown
    }

export function useRunPages(
  client: DrydockClient,
  query: RunQuery,
  tick: number,
): RunPages & { loadMore: () => void; reload: () => void } {
  const [attempt, setAttempt] = useState(0)
  const [pages, setPages] = useState<Pages | null>(null)
  const key = `${JSON.stringify(query)}#${attempt}`

  useEffect(() => {
    let active = true
    client.listRuns({ ...query, limit: PAGE_SIZE }).then(
      (runs) => {
        if (active)
          setPages({ key, runs, done: runs.length < PAGE_SIZE, error: null, loadingMore: false })
      },
      (error: unknown) => {
        if (active) setPages({ key, runs: [], done: true, error, loadingMore: false })
      },
    )
    return () => {
      active = false
    }
    // `key` stands for `query` (a new object each render) and the reload counters.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, key])

  const current = pages?.key === key ? pages : null

  // Skipped on mount and on a new key: the effect above has just read the first page.
  const refreshed = useRef({ key, tick })
  useEffect(() => {
    const last = refreshed.current
    refreshed.current = { key, tick }
    if (last.key !== key || last.tick === tick) return
    let active = true
    client.listRuns({ ...query, limit: PAGE_SIZE }).then(
      (first) => {
        if (active) setPages((now) => (now?.key === key ? withFirstPage(now, first) : now))
      },
      () => {
        // The runs shown are still right, only not the newest: the next tick tries again.
      },
    )
    return () => {
      active = false
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, key, tick])

  const loadMore = useCallback(() => {
    if (!current || current.done || current.loadingMore) return
    const last = current.runs.at(-1)
    if (!last) return
    setPages({ ...current, loadingMore: true, error: null })
    client
      .listRuns({ ...query, limit: PAGE_SIZE, beforeStartedAt: last.startedAt, beforeId: last.id })
      .then(
        (more) =>
          setPages((now) =>
            now?.key === key
              ? {
                  ...now,
                  // A refresh may have brought some of these onto the first page meanwhile.
                  runs: [
                    ...now.runs,
                    ...more.filter((run) => !now.runs.some((r) => r.id === run.id)),
                  ],
                  done: more.length < PAGE_SIZE,
                  loadingMore: false,
                }
              : now,
          ),
        (error: unknown) =>
          setPages((now) => (now?.key === key ? { ...now, loadingMore: false, error } : now)),
      )
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, current, key])

  const reload = useCallback(() => setAttempt((n) => n + 1), [])

  if (!current) return { status: 'loading', loadMore, reload }
  if (current.error && current.runs.length === 0)
    return { status: 'error', error: current.error, loadMore, reload }
  return {
    status: 'ready',
    runs: current.runs,
    done: current.done,
    loadingMore: current.loadingMore,
    moreError: current.error,
    loadMore,
    reload,
  }
}
