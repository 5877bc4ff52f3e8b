/**
 * "Clean up safely" from the tray: the default policy is planned and run exactly like the
 * Cleanup page would (trigger `tray` in the log), then the result is told in one notification.
 * No Electron here: the caller passes the client and a `notify` function.
 */
import { countOutcomes, type CleanResult, type Plan } from '../../shared/cleanup'
import type { DrydockClient } from '../../shared/contract'
import { formatBytes } from '../../shared/format'
import { runPlanToEnd } from '../../shared/run-plan'
import { errorMessage } from '../../shared/errors'

export type OneClickApi = Pick<DrydockClient, 'planCleanup' | 'runCleanup' | 'subscribe'>

export interface NotificationText {
  title: string
  body: string
}

export type OneClickOutcome =
  | { kind: 'cleaned'; plan: Plan; result: CleanResult }
  /** The plan removes nothing; no run is recorded. */
  | { kind: 'nothing-to-do'; plan: Plan }
  /** A tray cleanup was already running; the second click does nothing. */
  | { kind: 'busy' }
  | { kind: 'failed'; message: string }

type RunOutcome = Exclude<OneClickOutcome, { kind: 'busy' }>

export interface OneClickOptions {
  api: OneClickApi
  notify: (text: NotificationText) => void
  /** Told when a run starts and ends, so the tray can show "Cleaning up…". */
  onRunningChange?: (running: boolean) => void
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

/** One sentence (ending with a single full stop) from any error. */
export function errorSentence(error: unknown): string {
  const message = errorMessage(error).trim()
  const sentence = message.replace(/[.\s]+$/, '') || 'Unknown error'
  return `Cleanup failed: ${sentence}.`
}

/** "Freed 4.1 GB (3 images)." plus what did not go as planned. */
export function resultSentence(result: CleanResult): string {
  const { deleted, untagged, failed } = countOutcomes(result.items)
  const parts = [plural(deleted, 'image')]
  if (untagged > 0) parts.push(`${plural(untagged, 'tag')} removed`)
  let text = `Freed ${formatBytes(result.reclaimedBytes)} (${parts.join(', ')}).`
  if (result.status === 'cancelled') text = `Cancelled. ${text}`
  if (failed > 0) text += ` ${plural(failed, 'image')} could not be removed; see History.`
  return text
}

export function createOneClickCleanup(options: OneClickOptions): {
  run(): Promise<OneClickOutcome>
  isRunning(): boolean
} {
  let running = false

  async function cleanUp(): Promise<RunOutcome> {
    // The service resolves the default policy and Settings' protection.
    const plan = await options.api.planCleanup({ policy: 'default' })
    if (!plan.items.some((item) => item.action === 'delete' || item.action === 'untag')) {
      return { kind: 'nothing-to-do', plan }
    }
    const result = await runPlanToEnd(options.api, { planId: plan.id, trigger: 'tray' })
    return { kind: 'cleaned', plan, result }
  }

  return {
    isRunning: () => running,
    async run() {
      if (running) return { kind: 'busy' }
      running = true
      options.onRunningChange?.(true)
      let outcome: RunOutcome
      try {
        outcome = await cleanUp()
      } catch (error) {
        outcome = { kind: 'failed', message: errorSentence(error) }
      } finally {
        running = false
        options.onRunningChange?.(false)
      }
      try {
        options.notify(notificationFor(outcome))
      } catch {
        // No notification service (some Linux desktops): the tray and History still show it.
      }
      return outcome
    },
  }
}

function notificationFor(outcome: RunOutcome): NotificationText {
  switch (outcome.kind) {
    case 'cleaned':
      return {
        title: outcome.result.status === 'failed' ? 'Cleanup failed' : 'Cleanup done',
        body: resultSentence(outcome.result),
      }
    case 'nothing-to-do':
      return { title: 'Nothing to clean up', body: 'The safe policy finds nothing to remove.' }
    case 'failed':
      return { title: 'Cleanup failed', body: outcome.message }
  }
}
