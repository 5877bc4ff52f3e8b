/** How a plan reads in a terminal: one line per image and a one-line summary. */
import type { Plan, PlanItem } from '../shared/cleanup'
import { formatBytes } from '../shared/format'
import type { CliIo } from './io'
import { renderTable, shortId } from './table'

const ACTION_LABEL: Record<PlanItem['action'], string> = {
  delete: 'delete',
  untag: 'untag',
  blocked: 'BLOCKED',
  keep: 'keep',
}

export function describeImage(item: { id: string; tags: string[]; digests?: string[] }): string {
  return item.tags[0] ?? item.digests?.[0] ?? `<none> ${shortId(item.id)}`
}

export function planSummary(plan: Plan): string {
  const count = (action: PlanItem['action']) =>
    plan.items.filter((item) => item.action === action).length
  const parts = [`${plan.items.length} image${plan.items.length === 1 ? '' : 's'}`]
  if (count('delete')) parts.push(`${count('delete')} to delete`)
  if (count('untag')) parts.push(`${count('untag')} to untag`)
  if (count('blocked')) parts.push(`${count('blocked')} blocked`)
  if (count('keep')) parts.push(`${count('keep')} kept`)
  return `${parts.join(', ')} — frees ${formatBytes(plan.reclaimBytes)}`
}

export function printPlan(io: CliIo, plan: Plan): void {
  if (plan.items.length === 0) {
    io.stdout.write('Nothing matches this selection.\n')
    return
  }
  io.stdout.write(
    renderTable(plan.items, [
      { header: 'ACTION', value: (item) => ACTION_LABEL[item.action] },
      { header: 'IMAGE', value: describeImage, max: 48 },
      { header: 'ID', value: (item) => shortId(item.id) },
      { header: 'FREES', value: (item) => formatBytes(item.reclaimBytes), align: 'right' },
      {
        header: 'WHY',
        value: (item) => {
          const containers = item.affectedContainers.filter(
            (c) => c.effect !== 'none' && c.effect !== 'blocks',
          )
          const effects = containers.map((c) => `${c.name}: ${c.effect}`).join(', ')
          return effects ? `${item.reason} [${effects}]` : item.reason
        },
        max: 110,
      },
    ]),
  )
  io.stdout.write(`${planSummary(plan)}\n`)
}
