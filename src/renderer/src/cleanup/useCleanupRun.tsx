/**
 * Running a plan: starts it (runPlanToEnd) and follows its `progress` events, which carry each
 * item's outcome as it finishes, so results appear one by one without reading the log.
 * The run lives above the pages (CleanupRunProvider): a new address, a remount or a connection
 * blip must not lose a run that is still going, nor its result.
 */
import { createContext, use, useCallback, useEffect, useRef, useState, type ReactNode } from 'react'
import type { CleanItemResult, CleanResult, Plan } from '../../../shared/cleanup'
import type { DrydockClient } from '../../../shared/contract'
import { runPlanToEnd } from '../../../shared/run-plan'
import { itemKey } from './describe'

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
      /** Known as soon as runCleanup answers (the log names it before the first change). */
      runId: string | null
      progress: RunProgress | null
      /** Items finished so far, by item key (kind and ID), as the progress events reported them. */
      outcomes: ReadonlyMap<string, CleanItemResult>
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
      // Other runs (the tray's one-click cleanup, another window) report too: runPlanToEnd
      // follows only the events that name this plan.
      runPlanToEnd(
        client,
        { planId: plan.id, trigger: 'manual' },
        {
          onStarted: (runId) => updateRunning((running) => ({ ...running, runId })),
          onProgress: ({ runId, done, total, message, item }) =>
            updateRunning((running) => ({
              ...running,
              runId,
              progress: { done, total, message },
              outcomes: item
                ? new Map(running.outcomes).set(itemKey(item), item)
                : running.outcomes,
            })),
        },
      ).then(
        (result) => {
          if (mounted.current) setState({ kind: 'finished', plan, hash, result, shownAt: null })
        },
        (error: unknown) => {
          if (!mounted.current) return
          setState((current) => ({
            kind: 'failed',
            plan,
            hash,
            error,
            runId: current.kind === 'running' ? current.runId : null,
            shownAt: null,
          }))
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
        // false: the run ended meanwhile; its result arrives with its last progress event.
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
