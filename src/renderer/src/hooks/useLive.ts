/**
 * A client call whose answer stays on screen while it is asked again (a live update, a new
 * filter): the first load shows a skeleton, later ones only mark the value as refreshing, so
 * nothing jumps. `load` must be stable (useCallback); a new `load` or `tick` asks again.
 */
import { useCallback, useEffect, useState } from 'react'

export type LiveState<T> =
  | { status: 'loading' }
  | { status: 'ready'; value: T; refreshing: boolean }
  | { status: 'error'; error: unknown; refreshing: boolean }

export type LiveResult<T> = LiveState<T> & { reload: () => void }

interface Answer<T> {
  load: () => Promise<T>
  key: number
  state: { status: 'ready'; value: T } | { status: 'error'; error: unknown }
}

export function useLive<T>(load: () => Promise<T>, tick = 0): LiveResult<T> {
  const [attempt, setAttempt] = useState(0)
  const [answer, setAnswer] = useState<Answer<T> | null>(null)
  const key = tick * 1_000_003 + attempt

  useEffect(() => {
    let active = true
    load().then(
      (value) => {
        if (active) setAnswer({ load, key, state: { status: 'ready', value } })
      },
      (error: unknown) => {
        if (active) setAnswer({ load, key, state: { status: 'error', error } })
      },
    )
    return () => {
      active = false
    }
  }, [load, key])

  const reload = useCallback(() => setAttempt((n) => n + 1), [])
  if (!answer) return { status: 'loading', reload }
  const refreshing = answer.load !== load || answer.key !== key
  return { ...answer.state, refreshing, reload }
}
