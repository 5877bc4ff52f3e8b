/**
 * A list of containers, volumes or build cache records for its page. It answers at once with the
 * sizes last measured; when fresh sizes land (a `sizes` event) it is read again, quietly. A reload
 * (Refresh) keeps the rows on screen until the new answer arrives.
 */
import { useCallback, useEffect, useRef, useState } from 'react'
import { useClientEvent } from '../hooks/useClientEvent'

export interface SizedList<T> {
  items: T[]
  sizesAt: string | null
  refreshing: boolean
}

export type ListState<T> =
  | { status: 'loading' }
  | { status: 'error'; error: unknown }
  | { status: 'ready'; value: SizedList<T> }

export interface KindListView<T> {
  list: ListState<T>
  /** True while a reload asked for by the user runs with rows still shown. */
  refreshing: boolean
  /** A failed reload, with the previous rows still shown. */
  refreshError: unknown
  reload: () => void
}

/** `load` must be stable (useCallback). */
export function useKindList<T>(load: () => Promise<SizedList<T>>): KindListView<T> {
  const [list, setList] = useState<ListState<T>>({ status: 'loading' })
  const [attempt, setAttempt] = useState(0)
  const [refreshing, setRefreshing] = useState(false)
  const [refreshError, setRefreshError] = useState<unknown>(null)
  const shown = useRef(false)

  useEffect(() => {
    let active = true
    load().then(
      (value) => {
        if (!active) return
        shown.current = true
        setList({ status: 'ready', value })
        setRefreshing(false)
        setRefreshError(null)
      },
      (error: unknown) => {
        if (!active) return
        setRefreshing(false)
        if (shown.current) setRefreshError(error)
        else setList({ status: 'error', error })
      },
    )
    return () => {
      active = false
    }
  }, [load, attempt])

  const reload = useCallback(() => {
    setRefreshing(true)
    setRefreshError(null)
    setAttempt((n) => n + 1)
  }, [])

  // Fresh sizes: read the list again without the "Refreshing…" of a reload someone asked for.
  useClientEvent('sizes', () => setAttempt((n) => n + 1))

  return { list, refreshing, refreshError, reload }
}
