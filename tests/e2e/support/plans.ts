/**
 * Comparing what the Cleanup page shows with `drydock plan --json` for the same selection: the
 * rows (kind, ID, action) and the bytes, per kind and in total.
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Page } from '@playwright/test'
import type { Plan } from '../../../src/shared/cleanup'
import { drydockBin, expect } from './drydock-server'

const exec = promisify(execFile)

/** `drydock plan --json` with these flags, against the host, with a log of its own. */
export async function cliPlan(host: string, workDir: string, flags: string[]): Promise<Plan> {
  const { stdout } = await exec(process.execPath, [
    drydockBin,
    '--host',
    host,
    '--db',
    join(workDir, 'cli.db'),
    '--json',
    'plan',
    ...flags,
  ])
  return JSON.parse(stdout) as Plan
}

/** The plan rows on screen: `kind:id` → action. */
export async function planOnScreen(page: Page): Promise<Map<string, string>> {
  const rows = page.getByRole('table', { name: 'Cleanup plan' }).locator('tbody tr[data-item-id]')
  const pairs = await rows.evaluateAll((trs) =>
    trs.map((tr) => [
      `${tr.getAttribute('data-kind')!}:${tr.getAttribute('data-item-id')!}`,
      tr.getAttribute('data-action')!,
    ]),
  )
  return new Map(pairs as [string, string][])
}

export function planRows(plan: Plan): Map<string, string> {
  return new Map(plan.items.map((item) => [`${item.kind}:${item.id}`, item.action]))
}

const bytes = (value: number) => `${value.toLocaleString('en-US')} bytes`

/** The page shows exactly the CLI's plan: the same rows, the same bytes per kind and in total. */
export async function expectSamePlan(page: Page, plan: Plan): Promise<void> {
  await expect(page.getByTestId('plan-summary')).toBeVisible()
  expect(await planOnScreen(page)).toEqual(planRows(plan))
  if (plan.items.length === 0) return
  await expect(page.getByTestId('plan-total')).toHaveAttribute('title', bytes(plan.reclaimBytes))
  for (const kind of ['image', 'container', 'volume', 'build-cache'] as const) {
    const total = page.getByTestId(`plan-total-${kind}`)
    if (plan.items.some((item) => item.kind === kind)) {
      await expect(total).toHaveAttribute('title', bytes(plan.reclaimByKind[kind]))
    } else {
      await expect(total).toHaveCount(0)
    }
  }
}
