/**
 * The image inventory for the Images page. A reload (after Protect, or "Refresh") keeps the rows
 * on screen until the new answer arrives, so the table neither jumps nor loses its scroll.
 */
import { useCallback, useEffect, useRef, useState } from 'react'
import type { DrydockClient } from '../../../shared/contract'
import { toRow, type ImageRow } from './model'

export type Inventory =
  | { status: 'loading' }
  | { status: 'error'; error: unknown }
  | { status: 'ready'; rows: ImageRow[]; byId: ReadonlyMap<string, ImageRow> }

export interface InventoryView {
  inventory: Inventory
  /** True while a reload runs with rows still shown. */
  refreshing: boolean
  /** A failed reload, with the previous rows still shown. */
  refreshError: unknown
  reload: () => void
}

export function useInventory(client: DrydockClient): InventoryView {
  const [inventory, setInventory] = useState<Inventory>({ status: 'loading' })
  const [attempt, setAttempt] = useState(0)
  const [refreshing, setRefreshing] = useState(false)
  const [refreshError, setRefreshError] = useState<unknown>(null)
  // Whether rows are on screen: a failed reload then keeps them and reports beside them.
  const shownRows = useRef(false)

  useEffect(() => {
    let active = true
    client.listImages().then(
      (images) => {
        if (!active) return
        const rows = images.map(toRow)
        shownRows.current = true
        setInventory({
          status: 'ready',
          rows,
          byId: new Map(rows.map((row) => [row.image.id, row])),
        })
        setRefreshing(false)
        setRefreshError(null)
      },
      (error: unknown) => {
        if (!active) return
        setRefreshing(false)
        if (shownRows.current) setRefreshError(error)
        else setInventory({ status: 'error', error })
      },
    )
    return () => {
      active = false
    }
  }, [client, attempt])

  const reload = useCallback(() => {
    setRefreshing(true)
    setRefreshError(null)
    setAttempt((n) => n + 1)
  }, [])

  return { inventory, refreshing, refreshError, reload }
}
