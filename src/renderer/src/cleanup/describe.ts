/** Plain words for a plan: what happens to each item and to each container it touches. */
import { shortId } from '../../../shared/format'
import type { AffectedContainer, CleanItemResult, Plan, PlanItem } from '../../../shared/cleanup'
import { isRunningState } from '../images/model'

export const ACTION_TEXT: Record<PlanItem['action'], string> = {
  delete: 'Delete',
  untag: 'Untag only',
  blocked: 'Blocked',
  keep: 'Keep',
}

export const OUTCOME_TEXT: Record<CleanItemResult['outcome'], string> = {
  deleted: 'Deleted',
  untagged: 'Untagged',
  skipped: 'Skipped',
  failed: 'Failed',
}

export const BLOCKER_TEXT: Record<PlanItem['blockers'][number]['kind'], string> = {
  'running-container': 'running container',
  'stopped-container': 'stopped container',
  'child-image': 'child image',
  'multiple-references': 'several references',
  protected: 'protected',
  filtered: 'filtered out',
  'in-use': 'in use by a build',
}

/** One sentence, starting with the container's name, e.g. "web-1 keeps running but …". */
export function effectSentence(container: AffectedContainer): string {
  const running = isRunningState(container.state)
  const name = container.name || shortId(container.id)
  switch (container.effect) {
    case 'removed':
      return running
        ? `${name} is stopped and removed first`
        : `${name} (${container.state}) is removed first`
    case 'orphaned':
      return running
        ? `${name} keeps running but can no longer be recreated from this image; its layers stay on disk until it is removed`
        : `${name} (${container.state}) can still start but can no longer be recreated from this image; its layers stay on disk until it is removed`
    case 'untagged-under':
      return `${name} keeps running; the image loses its tag and stays on disk as <none>`
    case 'blocks':
      return running
        ? `${name} is running from this image, so the image stays`
        : `${name} (${container.state}) was created from this image, so the image stays`
    case 'none':
      return `${name} is not affected`
  }
}

/**
 * Requests the engine would refuse without force: `docker rmi -f`, stopping a running container,
 * or removing containers so that an image or a volume can go (--with-containers). A stopped
 * container removed for itself is a plain `docker rm`.
 */
export function isForcedItem(item: PlanItem): boolean {
  return item.requests.some(
    (request) =>
      (request.kind === 'remove-container' && (request.stop || item.kind !== 'container')) ||
      (request.kind === 'delete-image' && request.force),
  )
}

/** One key per plan item and outcome: IDs are unique within a kind only. */
export function itemKey(item: { kind: PlanItem['kind']; id: string }): string {
  return `${item.kind}:${item.id}`
}

export function isForcedPlan(plan: Plan): boolean {
  return plan.selection.force || plan.selection.withContainers || plan.items.some(isForcedItem)
}

/** Items the executor acts on (delete or untag); keep and blocked items send nothing. */
export function runnableItems(plan: Plan): PlanItem[] {
  return plan.items.filter((item) => item.requests.length > 0)
}

export interface Consequences {
  removedContainers: AffectedContainer[]
  orphanedContainers: AffectedContainer[]
  untaggedUnder: AffectedContainer[]
  /** Running containers chosen by name, stopped and then removed (--force). */
  stoppedContainers: PlanItem[]
  forcedDeletes: number
}

/** What a forced plan does beyond a safe cleanup, for its warning summary. */
export function consequencesOf(plan: Plan): Consequences {
  const runnable = runnableItems(plan)
  const all = runnable.flatMap((item) => item.affectedContainers)
  const unique = (effect: AffectedContainer['effect']) => {
    const seen = new Map<string, AffectedContainer>()
    for (const container of all) if (container.effect === effect) seen.set(container.id, container)
    return [...seen.values()]
  }
  return {
    removedContainers: unique('removed'),
    orphanedContainers: unique('orphaned'),
    untaggedUnder: unique('untagged-under'),
    stoppedContainers: runnable.filter(
      (item) =>
        item.kind === 'container' &&
        !all.some((container) => container.id === item.id && container.effect === 'removed') &&
        item.requests.some((request) => request.kind === 'remove-container' && request.stop),
    ),
    forcedDeletes: runnable.filter((item) =>
      item.requests.some((request) => request.kind === 'delete-image' && request.force),
    ).length,
  }
}
