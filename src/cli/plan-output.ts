/** How a plan reads in a terminal: one line per item, a hint per way to free more, a summary. */
import { ITEM_KINDS, type ItemKind, type Plan, type PlanItem } from '../shared/cleanup'
import { formatBytes } from '../shared/format'
import { forTerminal } from '../shared/sanitize'
import type { CliIo } from './io'
import { renderTable, shortId } from './table'

const ACTION_LABEL: Record<PlanItem['action'], string> = {
  delete: 'delete',
  untag: 'untag',
  blocked: 'BLOCKED',
  keep: 'keep',
}

const KIND_WORDS: Record<ItemKind, [string, string]> = {
  image: ['image', 'images'],
  container: ['container', 'containers'],
  volume: ['volume', 'volumes'],
  'build-cache': ['build cache record', 'build cache records'],
}

export function countOf(count: number, kind: ItemKind): string {
  return `${count} ${KIND_WORDS[kind][count === 1 ? 0 : 1]}`
}

/** An item's name as people know it (an untagged image by its short ID). */
export function describeItem(item: {
  kind?: ItemKind
  id: string
  name?: string
  tags: string[]
  digests?: string[]
}): string {
  if (item.kind && item.kind !== 'image') {
    return item.kind === 'build-cache'
      ? `${shortId(item.id)} ${item.name ?? ''}`
      : (item.name ?? item.id)
  }
  return item.tags[0] ?? item.digests?.[0] ?? `<none> ${shortId(item.id)}`
}

export function planSummary(plan: Plan): string {
  const count = (action: PlanItem['action']) =>
    plan.items.filter((item) => item.action === action).length
  const kinds = ITEM_KINDS.map(
    (kind) => [kind, plan.items.filter((i) => i.kind === kind).length] as const,
  )
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => countOf(n, kind))
  const parts = [kinds.length > 0 ? kinds.join(', ') : 'nothing']
  if (count('delete')) parts.push(`${count('delete')} to delete`)
  if (count('untag')) parts.push(`${count('untag')} to untag`)
  if (count('blocked')) parts.push(`${count('blocked')} blocked`)
  if (count('keep')) parts.push(`${count('keep')} kept`)
  return `${parts.join(', ')} — frees ${formatBytes(plan.reclaimBytes)}`
}

export function printPlan(io: CliIo, plan: Plan): void {
  if (plan.items.length === 0) {
    io.stdout.write(
      plan.target
        ? `Nothing to remove: ${plan.target.reason} (${formatBytes(plan.target.before)} of ${formatBytes(plan.target.bytes)}).\n`
        : 'Nothing matches this selection.\n',
    )
    return
  }
  io.stdout.write(
    renderTable(plan.items, [
      { header: 'ACTION', value: (item) => ACTION_LABEL[item.action] },
      { header: 'KIND', value: (item) => item.kind },
      { header: 'NAME', value: describeItem, max: 48 },
      { header: 'ID', value: (item) => (item.kind === 'volume' ? '' : shortId(item.id)) },
      { header: 'FREES', value: (item) => formatBytes(item.reclaimBytes), align: 'right' },
      {
        header: 'WHY',
        value: (item) => {
          const containers = item.affectedContainers.filter(
            (c) => c.effect !== 'none' && c.effect !== 'blocks',
          )
          const effects = containers.map((c) => `${c.name}: ${c.effect}`).join(', ')
          const held =
            item.heldBy.length > 0
              ? ` (layers still held by ${countOf(item.heldBy.length, 'build-cache')})`
              : ''
          return (effects ? `${item.reason} [${effects}]` : item.reason) + held
        },
        max: 110,
      },
    ]),
  )
  for (const hint of plan.hints) {
    io.stdout.write(
      `${forTerminal(`Hint: ${hint.message} Add ${hint.add.cacheRecords.map((id) => `--cache-record ${id}`).join(' ')} to free ${formatBytes(hint.reclaimBytes)} more.`)}\n`,
    )
  }
  if (plan.target) {
    const t = plan.target
    io.stdout.write(
      `Target ${formatBytes(t.bytes)}: images and build cache take ${formatBytes(t.before)} now, ${formatBytes(t.after)} after this plan — ${t.reason}.\n`,
    )
  }
  io.stdout.write(`${planSummary(plan)}\n`)
}
