/**
 * Running a plan: calls runCleanup and, while it runs, follows the run's `progress` events and
 * reads the log (getRun) for each item's outcome as it is recorded, so results appear one by one.
 */
import { useCallback, useEffect, useRef, useState } from 'react'
import type { CleanResult, Plan } from '../../../shared/cleanup'
import type { DrydockClient } from '../../../shared/contract'
import type { RunDetail } from '../../../shared/history'
import { runnableItems } from './describe'

export interface RunProgress {
  done: number
  total: number
  message: string
}

export type RunState =
  | { kind: 'idle' }
  | {
      kind: 'running'
      /** Known from the run's first progress event (the log names it before the first change). */
      runId: string | null
      progress: RunProgress | null
      /** Items the log has settled so far, by image ID. */
      outcomes: ReadonlyMap<string, RunDetail['items'][number]>
      cancelling: boolean
      cancelError: unknown
    }
  | { kind: 'finished'; result: CleanResult }
  | { kind: 'failed'; error: unknown; runId: string | null }

export interface CleanupRun {
  state: RunState
  start: (plan: Plan) => void
  cancel: () => void
  reset: () => void
}

type Running = Extract<RunState, { kind: 'running' }>

export function useCleanupRun(client: DrydockClient): CleanupRun {
  const [state, setState] = useState<RunState>({ kind: 'idle' })
  const mounted = useRef(true)
  useEffect(() => {
    mounted.current = true
    return () => {
      mounted.current = false
    }
  }, [])

  const updateRunning = useCallback((change: (running: Running) => Running) => {
    if (!mounted.current) return
    setState((current) => (current.kind === 'running' ? change(current) : current))
  }, [])

  const start = useCallback(
    (plan: Plan) => {
      const total = runnableItems(plan).length
      let runId: string | null = null
      let reading = false
      let readAgain = false

      // One getRun at a time; progress that arrives meanwhile asks for one more read.
      const readOutcomes = (): void => {
        if (runId === null) return
        if (reading) {
          readAgain = true
          return
        }
        reading = true
        client
          .getRun({ id: runId })
          .then(
            (detail) => {
              if (!detail) return
              const settled = new Map(
                detail.items
                  .filter((item) => item.outcome !== null)
                  .map((item) => [item.imageId, item]),
              )
              updateRunning((running) => ({ ...running, outcomes: settled }))
            },
            () => {
              // Outcomes while running are a courtesy; the final result carries them all.
            },
          )
          .finally(() => {
            reading = false
            if (readAgain) {
              readAgain = false
              readOutcomes()
            }
          })
      }

      const unsubscribe = client.subscribe((event) => {
        if (event.name !== 'progress') return
        const progress = event.payload
        if (runId === null) {
          // Our run announces itself first, with nothing done and our plan's item count.
          if (progress.done !== 0 || progress.total !== total) return
          runId = progress.jobId
        } else if (progress.jobId !== runId) {
          return
        }
        const id = runId
        updateRunning((running) => ({
          ...running,
          runId: id,
          progress: { done: progress.done, total: progress.total, message: progress.message },
        }))
        readOutcomes()
      })

      setState({
        kind: 'running',
        runId: null,
        progress: null,
        outcomes: new Map(),
        cancelling: false,
        cancelError: null,
      })
      client.runCleanup({ planId: plan.id, trigger: 'manual' }).then(
        (result) => {
          unsubscribe()
          if (mounted.current) setState({ kind: 'finished', result })
        },
        (error: unknown) => {
          unsubscribe()
          if (mounted.current) setState({ kind: 'failed', error, runId })
        },
      )
    },
    [client, updateRunning],
  )

  const cancel = useCallback(() => {
    if (state.kind !== 'running' || state.runId === null || state.cancelling) return
    const runId = state.runId
    updateRunning((running) => ({ ...running, cancelling: true, cancelError: null }))
    client.cancelCleanup({ runId }).then(
      ({ cancelled }) => {
        // false: the run ended meanwhile; its result arrives through runCleanup.
        if (!cancelled) updateRunning((running) => ({ ...running, cancelling: false }))
      },
      (error: unknown) =>
        updateRunning((running) => ({ ...running, cancelling: false, cancelError: error })),
    )
  }, [client, state, updateRunning])

  const reset = useCallback(() => setState({ kind: 'idle' }), [])

  return { state, start, cancel, reset }
}
