/**
 * Runs a plan and waits for its end, for any client (the CLI, the tray, `watch`, the window).
 * `runCleanup` answers with the run's id at once; the items' outcomes and the result follow as
 * `progress` events naming the plan. Subscribing before the call means no event is missed.
 */
import type { CleanResult } from './cleanup'
import type { DrydockClient, MethodRequest, ProgressEvent } from './contract'
import { DrydockError } from './drydock-error'

export interface RunHooks {
  /** The run exists in the log: from here on it can be cancelled by this id. */
  onStarted?: (runId: string) => void
  onProgress?: (progress: ProgressEvent) => void
}

export async function runPlanToEnd(
  client: Pick<DrydockClient, 'runCleanup' | 'subscribe'>,
  request: MethodRequest<'runCleanup'>,
  hooks: RunHooks = {},
): Promise<CleanResult> {
  let unsubscribe: () => void = () => undefined
  const ended = new Promise<CleanResult>((resolve, reject) => {
    unsubscribe = client.subscribe((event) => {
      if (event.name !== 'progress' || event.payload.planId !== request.planId) return
      hooks.onProgress?.(event.payload)
      const end = event.payload.ended
      if (!end) return
      if (end.ok) resolve(end.result)
      else reject(DrydockError.fromPayload(end.error))
    })
  })
  try {
    const { runId } = await client.runCleanup(request)
    hooks.onStarted?.(runId)
    return await ended
  } finally {
    unsubscribe()
  }
}
