/** Words for a run's machine values (status, trigger, outcome), shared by History and Dashboard. */
import type { RunDetail, RunSummary } from '../../../shared/history'

export type RunStatus = RunSummary['status']
export type RunTrigger = RunSummary['trigger']
export type ItemOutcome = NonNullable<RunDetail['items'][number]['outcome']>

export const STATUS_LABELS: Record<RunStatus, string> = {
  running: 'Running',
  done: 'Done',
  partial: 'Partly done',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
}

export const TRIGGER_LABELS: Record<RunTrigger, string> = {
  manual: 'From the window',
  tray: 'From the tray',
  schedule: 'On schedule',
  threshold: 'Low disk space',
  cli: 'Command line',
}

export const OUTCOME_LABELS: Record<ItemOutcome, string> = {
  deleted: 'Deleted',
  untagged: 'Untagged',
  skipped: 'Skipped',
  failed: 'Failed',
}

/** The tone of a status chip: how the run went, at a glance. */
export function statusTone(status: RunStatus): 'ok' | 'warn' | 'danger' | 'neutral' {
  switch (status) {
    case 'done':
      return 'ok'
    case 'partial':
    case 'cancelled':
    case 'interrupted':
      return 'warn'
    case 'failed':
      return 'danger'
    case 'running':
      return 'neutral'
  }
}

/** `repo:tag` when the image had one, its short ID otherwise. */
export function itemName(item: { tags: string[]; imageId: string }): string {
  return item.tags[0] ?? shortId(item.imageId)
}

export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12)
}
