/** One client call tied to a component: loading, value or error, and a way to try again. */
import { useCallback, useEffect, useState } from 'react'

export type AsyncState<T> =
  { status: 'loading' } | { status: 'ready'; value: T } | { status: 'error'; error: unknown }

export type AsyncResult<T> = AsyncState<T> & { reload: () => void }

type Settled<T> = Exclude<AsyncState<T>, { status: 'loading' }>

/** `load` must be stable (wrap it in useCallback); a new function means a new call. */
export function useAsync<T>(load: () => Promise<T>): AsyncResult<T> {
  const [attempt, setAttempt] = useState(0)
  // Each answer remembers which call it answers; an answer to an older call reads as loading.
  const [answer, setAnswer] = useState<{
    load: () => Promise<T>
    attempt: number
    state: Settled<T>
  } | null>(null)

  useEffect(() => {
    let active = true
    load().then(
      (value) => {
        if (active) setAnswer({ load, attempt, state: { status: 'ready', value } })
      },
      (error: unknown) => {
        if (active) setAnswer({ load, attempt, state: { status: 'error', error } })
      },
    )
    return () => {
      active = false
    }
  }, [load, attempt])

  const reload = useCallback(() => setAttempt((n) => n + 1), [])
  const state: AsyncState<T> =
    answer && answer.load === load && answer.attempt === attempt
      ? answer.state
      : { status: 'loading' }
  return { ...state, reload }
}
