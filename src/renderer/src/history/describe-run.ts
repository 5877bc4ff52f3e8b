/** Words for a run's machine values (status, trigger, outcome), shared by History and Dashboard. */
import { formatBytes, shortId } from '../../../shared/format'
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
  schedule: 'Automatic (schedule)',
  threshold: 'Automatic (low disk)',
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

/** `repo:tag` when the image had one, its short ID otherwise; other kinds by their name. */
export function itemName(item: { kind: string; tags: string[]; id: string; name: string }): string {
  if (item.kind !== 'image') return item.name || shortId(item.id)
  return item.tags[0] ?? shortId(item.id)
}

export { shortId }

/** A run's selection (stored as it was given, so read defensively) in words. */
export function describeSelection(selection: unknown): string {
  if (typeof selection !== 'object' || selection === null) return 'Not recorded'
  const s = selection as Record<string, unknown>
  const parts: string[] = []
  const list = (value: unknown): string[] =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
  if (s.policy === 'default') parts.push('the default policy')
  if (s.dangling === true) parts.push('dangling images')
  if (s.unused === true) parts.push('images no container uses')
  const images = list(s.images)
  if (images.length > 0) {
    parts.push(
      images.length <= 3
        ? `named images ${images.map((ref) => (ref.startsWith('sha256:') ? shortId(ref) : ref)).join(', ')}`
        : `${images.length} named images`,
    )
  }
  if (s.system === true) parts.push('as docker system prune')
  const containers = list(s.containers)
  if (containers.length > 0) {
    parts.push(
      containers.length <= 3
        ? `named containers ${containers.map((ref) => (/^[0-9a-f]{64}$/.test(ref) ? shortId(ref) : ref)).join(', ')}`
        : `${containers.length} named containers`,
    )
  }
  if (s.stoppedContainers === true) parts.push('stopped containers')
  const volumes = list(s.volumes)
  if (volumes.length > 0) {
    parts.push(
      volumes.length <= 3
        ? `named volumes ${volumes.map((name) => (/^[0-9a-f]{64}$/.test(name) ? shortId(name) : name)).join(', ')}`
        : `${volumes.length} named volumes`,
    )
  }
  if (s.unusedVolumes === true) parts.push('unused anonymous volumes')
  const records = list(s.cacheRecords)
  if (records.length > 0) {
    parts.push(`${records.length} build cache record${records.length === 1 ? '' : 's'}`)
  }
  if (s.buildCache === true) parts.push('unused build cache')
  if (typeof s.keepStorage === 'number')
    parts.push(`keeping ${formatBytes(s.keepStorage)} of cache`)
  if (s.force === true) parts.push('forced')
  if (s.withContainers === true) parts.push('with their containers')
  if (typeof s.olderThan === 'string') parts.push(`built more than ${s.olderThan} ago`)
  if (typeof s.unusedFor === 'string') parts.push(`not used for ${s.unusedFor}`)
  if (typeof s.keepLast === 'number') parts.push(`keeping the ${s.keepLast} newest tags`)
  if (typeof s.targetSize === 'number') {
    parts.push(
      `least recently used images and build cache until they take ${formatBytes(s.targetSize)}`,
    )
  }
  const protect = [...list(s.protect), ...list(s.protectLabels)]
  if (protect.length > 0) parts.push(`protecting ${protect.join(', ')}`)
  if (parts.length === 0) return 'Nothing selected'
  const text = parts.join('; ')
  return text.charAt(0).toUpperCase() + text.slice(1)
}
