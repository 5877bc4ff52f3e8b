/**
 * Running a plan: calls runCleanup and, while it runs, follows the run's `progress` events and
 * reads the log (getRun) for each item's outcome as it is recorded, so results appear one by one.
 * The run lives above the pages (CleanupRunProvider): a new address, a remount or a connection
 * blip must not lose a run that is still going, nor its result.
 */
import { createContext, use, useCallback, useEffect, useRef, useState, type ReactNode } from 'react'
import type { CleanResult, Plan } from '../../../shared/cleanup'
import type { DrydockClient } from '../../../shared/contract'
import type { RunDetail } from '../../../shared/history'

export interface RunProgress {
  done: number
  total: number
  message: string
}

/** What every started run carries: the plan it runs and the address it was started from. */
interface Started {
  plan: Plan
  /** The Cleanup page's address when it started (its result belongs to that preview). */
  hash: string
}

export type RunState =
  | { kind: 'idle' }
  | (Started & {
      kind: 'running'
      /** Known from the run's first progress event (the log names it before the first change). */
      runId: string | null
      progress: RunProgress | null
      /** Items the log has settled so far, by image ID. */
      outcomes: ReadonlyMap<string, RunDetail['items'][number]>
      cancelling: boolean
      cancelError: unknown
    })
  | (Started & { kind: 'finished'; result: CleanResult; shownAt: string | null })
  | (Started & { kind: 'failed'; error: unknown; runId: string | null; shownAt: string | null })

export interface CleanupRun {
  state: RunState
  start: (plan: Plan, hash: string) => void
  cancel: () => void
  reset: () => void
  /**
   * The page has shown the ended run's result at this address: it stays there, and another
   * address may show its own preview instead.
   */
  markShown: (hash: string) => void
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
    (plan: Plan, hash: string) => {
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
          // Other runs (the tray's one-click cleanup, another window) report too: ours names our plan.
          if (progress.planId !== plan.id) return
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
        plan,
        hash,
        runId: null,
        progress: null,
        outcomes: new Map(),
        cancelling: false,
        cancelError: null,
      })
      client.runCleanup({ planId: plan.id, trigger: 'manual' }).then(
        (result) => {
          unsubscribe()
          if (mounted.current) setState({ kind: 'finished', plan, hash, result, shownAt: null })
        },
        (error: unknown) => {
          unsubscribe()
          if (mounted.current) setState({ kind: 'failed', plan, hash, error, runId, shownAt: null })
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

  const markShown = useCallback(
    (hash: string) =>
      setState((current) =>
        (current.kind === 'finished' || current.kind === 'failed') && current.shownAt === null
          ? { ...current, shownAt: hash }
          : current,
      ),
    [],
  )

  return { state, start, cancel, reset, markShown }
}

const CleanupRunContext = createContext<CleanupRun | null>(null)

/** Holds the window's cleanup run for as long as the window is open, whatever page is shown. */
export function CleanupRunProvider({
  client,
  children,
}: {
  client: DrydockClient
  children: ReactNode
}): ReactNode {
  const run = useCleanupRun(client)
  return <CleanupRunContext value={run}>{children}</CleanupRunContext>
}

export function useCleanupRunContext(): CleanupRun {
  const run = use(CleanupRunContext)
  if (!run) throw new Error('useCleanupRunContext() needs a <CleanupRunProvider> above it.')
  return run
}
