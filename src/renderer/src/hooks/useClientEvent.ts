/** Subscribing a component to one of the contract's events, for as long as it is mounted. */
import { useEffect, useEffectEvent, useState } from 'react'
import type { EventPayload } from '../../../shared/contract'
import type { EventName } from '../../../shared/channels'
import { useClient } from '../client-context'

export function useClientEvent<E extends EventName>(
  name: E,
  handler: (payload: EventPayload<E>) => void,
): void {
  const client = useClient()
  // The latest handler runs without re-subscribing on every render.
  const onEvent = useEffectEvent(handler)
  useEffect(
    () =>
      client.subscribe((event) => {
        if (event.name === name) onEvent(event.payload as EventPayload<E>)
      }),
    [client, name],
  )
}

/** How many `name` events arrived since mount: a dependency that changes on each one. */
export function useEventCount(name: EventName): number {
  const [count, setCount] = useState(0)
  useClientEvent(name, () => setCount((n) => n + 1))
  return count
}

/** How many usage samples of this engine arrived since mount (followed engines send theirs
 * too); every sample counts when `host` is null. */
export function useUsageCount(host: string | null): number {
  const [count, setCount] = useState(0)
  useClientEvent('usage', (sample) => {
    if (host === null || sample.host === host) setCount((n) => n + 1)
  })
  return count
}
