/**
 * The Cleanup page against the private engine: the safe preview is exactly `drydock plan`'s plan
 * for the same policy and running it removes exactly those images; a forced cleanup shows what it
 * does to containers and cannot run until it is deliberately confirmed.
 */
import { execFile } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Page } from '@playwright/test'
import type { Plan } from '../../src/shared/cleanup'
import { drydockBin, expect, test, type RunningServer } from './support/drydock-server'
import { buildFixtureWorld, imageExists, WORLD_IMAGES, type FixtureWorld } from './support/world'

const exec = promisify(execFile)
const screenshots = join(__dirname, '../../artifacts/screenshots')
mkdirSync(screenshots, { recursive: true })

let world: FixtureWorld | undefined

test.beforeAll(async ({ testEngine }) => {
  world = await buildFixtureWorld(testEngine.docker, 'e2e-cleanup')
})

test.afterAll(async () => {
  await world?.remove()
})

function theWorld(): FixtureWorld {
  if (!world) throw new Error('the fixture world was not built')
  return world
}

async function apiCall<T>(page: Page, server: RunningServer, method: string): Promise<T> {
  const token = new URL(server.url).searchParams.get('token')!
  const response = await page.request.post(`${server.origin}/api/call/${method}`, {
    headers: { Authorization: `Bearer ${token}` },
    data: {},
  })
  return ((await response.json()) as { value: T }).value
}

/** The page's globals this spec uses (the tests compile without the DOM library). */
interface BrowserGlobals {
  location: { hash: string }
}

/** Navigates the way a link or the shell's `navigate` event does: a new hash, no reload. */
async function setHash(page: Page, hash: string): Promise<void> {
  await page.evaluate((next) => {
    ;(globalThis as unknown as BrowserGlobals).location.hash = next
  }, hash)
}

/** The plan rows on screen: image ID → action (a plan of images only: no other kind). */
async function planOnScreen(page: Page): Promise<Map<string, string>> {
  const rows = page.getByRole('table', { name: 'Cleanup plan' }).locator('tbody tr[data-item-id]')
  const pairs = await rows.evaluateAll((trs) =>
    trs.map((tr) => {
      if (tr.getAttribute('data-kind') !== 'image') throw new Error('not an image row')
      return [tr.getAttribute('data-item-id')!, tr.getAttribute('data-action')!]
    }),
  )
  return new Map(pairs as [string, string][])
}

test.describe('the Cleanup page', () => {
  test('the safe preview lists exactly what drydock plan lists; running it removes exactly those images', async ({
    page,
    isolatedDrydock,
    testEngine,
    workDir,
  }) => {
    const { images } = theWorld()
    await page.goto(`${isolatedDrydock.url}#/cleanup?policy=dangling`)
    await expect(page.getByRole('heading', { level: 1, name: 'Cleanup' })).toBeVisible()
    const summary = page.getByTestId('plan-summary')
    await expect(summary).toHaveAttribute('data-mode', 'safe')
    await expect(summary.getByRole('heading', { name: 'Safe cleanup', exact: true })).toBeVisible()
    const onScreen = await planOnScreen(page)

    // The same policy through the CLI, with the protection the page applies from Settings.
    const settings = await apiCall<{ protectedPatterns: string[]; protectedLabels: string[] }>(
      page,
      isolatedDrydock,
      'getSettings',
    )
    const protect = [
      ...settings.protectedPatterns.flatMap((glob) => ['--protect', glob]),
      ...settings.protectedLabels.flatMap((label) => ['--protect-label', label]),
    ]
    const { stdout } = await exec(process.execPath, [
      drydockBin,
      '--host',
      testEngine.host,
      '--db',
      join(workDir, 'cli.db'),
      '--json',
      'plan',
      '--dangling',
      ...protect,
    ])
    const cliPlan = JSON.parse(stdout) as Plan
    expect(onScreen).toEqual(new Map(cliPlan.items.map((item) => [item.id, item.action])))
    await expect(page.getByTestId('plan-total')).toHaveAttribute(
      'title',
      `${cliPlan.reclaimBytes.toLocaleString('en-US')} bytes`,
    )
    expect(onScreen.get(images.dangling.id)).toBe('delete')

    // This test removes only what it made: refuse if the policy reaches anything else.
    const ours = new Set(Object.values(images).map((image) => image.id))
    const going = [...onScreen].filter(([, action]) => action === 'delete' || action === 'untag')
    const foreign = going.filter(([id]) => !ours.has(id)).map(([id]) => id)
    expect(foreign, 'dangling images this test did not create are on the engine').toEqual([])
    await page.screenshot({ path: join(screenshots, 'cleanup-preview.png'), fullPage: true })

    // A safe run asks once; Esc cancels and gives focus back to the button.
    const runButton = page.getByRole('button', { name: 'Run cleanup' })
    await runButton.click()
    const dialog = page.getByRole('dialog', { name: 'Run this cleanup?' })
    await expect(dialog).toBeVisible()
    await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused()
    await page.keyboard.press('Tab')
    await expect(dialog.getByRole('button', { name: /^Remove/ })).toBeFocused()
    await page.keyboard.press('Tab')
    await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused()
    await page.keyboard.press('Escape')
    await expect(dialog).toBeHidden()
    await expect(runButton).toBeFocused()
    for (const [id] of going) expect(await imageExists(testEngine.docker, id)).toBe(true)

    await runButton.click()
    await dialog.getByRole('button', { name: /^Remove/ }).click()
    const result = page.getByTestId('run-result')
    await expect(result).toBeVisible({ timeout: 30_000 })
    await expect(result).toHaveAttribute('data-status', 'done')
    await expect(result.getByRole('heading', { name: 'Cleanup finished' })).toBeFocused()
    await expect(result.getByTestId('predicted-bytes')).toHaveAttribute(
      'title',
      `${cliPlan.reclaimBytes.toLocaleString('en-US')} bytes`,
    )
    await expect(result.getByTestId('reclaimed-bytes')).toHaveText(/\d/)
    const historyLink = result.getByRole('link', { name: 'Open this run in History' })
    await expect(historyLink).toHaveAttribute('href', /^#\/history\?run=.+/)

    // Exactly the planned images are gone; the rest of the world is still there.
    for (const [id] of going) expect(await imageExists(testEngine.docker, id), id).toBe(false)
    for (const name of WORLD_IMAGES.filter((n) => n !== 'dangling')) {
      expect(await imageExists(testEngine.docker, images[name].id), name).toBe(true)
    }
    for (const [id] of going) {
      await expect(page.locator(`tr[data-image-id="${id}"]`)).toHaveAttribute(
        'data-outcome',
        'deleted',
      )
    }
    await page.screenshot({ path: join(screenshots, 'cleanup-result.png'), fullPage: true })
  })

  test('force remove says what happens to a stopped container', async ({
    page,
    isolatedDrydock,
  }) => {
    const { images, containers } = theWorld()
    await page.goto(`${isolatedDrydock.url}#/cleanup?images=${images.stopped.id}&force=1`)
    const summary = page.getByTestId('plan-summary')
    await expect(summary).toHaveAttribute('data-mode', 'forced')
    await expect(page.getByTestId('forced-consequences')).toContainText(
      `${containers.stopped.name} (exited) can still start but can no longer be recreated from this image`,
    )
    await expect(page.getByRole('button', { name: /^Force remove/ })).toBeDisabled()
  })

  test('the forced flow shows the consequences and cannot run without the confirmation', async ({
    page,
    isolatedDrydock,
    testEngine,
  }) => {
    const { images, containers, prefix } = theWorld()
    // From the Images page: select the two images containers use, "Remove with containers".
    await page.goto(`${isolatedDrydock.url}#/images`)
    await page.getByRole('searchbox', { name: /filter images/i }).fill(prefix)
    for (const name of ['running', 'stopped'] as const) {
      await page.locator(`tr[data-image-id="${images[name].id}"]`).getByRole('checkbox').check()
    }
    await page.getByRole('button', { name: 'Remove with containers' }).click()
    await expect(page).toHaveURL(/#\/cleanup\?images=.+&withContainers=1$/)

    const summary = page.getByTestId('plan-summary')
    await expect(summary).toHaveAttribute('data-mode', 'forced')
    await expect(
      summary.getByRole('heading', { name: 'Forced cleanup', exact: true }),
    ).toBeVisible()
    const consequences = page.getByTestId('forced-consequences')
    await expect(consequences).toContainText('2 containers will be removed')
    await expect(consequences).toContainText(
      `${containers.running.name} is stopped and removed first`,
    )
    await expect(consequences).toContainText(`${containers.stopped.name} (exited) is removed first`)

    // No way to run it without typing the count: the two images and their two containers.
    const run = page.getByRole('button', { name: 'Force remove 2 images and 2 containers' })
    await expect(run).toBeDisabled()
    await expect(page.getByRole('button', { name: 'Run cleanup' })).toHaveCount(0)
    const confirm = page.getByRole('textbox', { name: 'Type 4 to confirm the forced cleanup' })
    await confirm.fill('2')
    await expect(run).toBeDisabled()
    await page.screenshot({ path: join(screenshots, 'cleanup-forced.png'), fullPage: true })
    await run.click({ force: true }).catch(() => undefined)
    await expect(page.getByTestId('run-result')).toHaveCount(0)
    expect(await imageExists(testEngine.docker, images.running.id)).toBe(true)

    await confirm.fill('4')
    await expect(run).toBeEnabled()
    // Leave the page in the same task as the click (as a notification or the alert's link would)
    // and come back by another address: the run and its result are kept, against its own plan.
    await run.evaluate((button: { click: () => void }) => {
      button.click()
      ;(globalThis as unknown as BrowserGlobals).location.hash = '#/dashboard'
    })
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
    await setHash(page, '#/cleanup?policy=default')
    const result = page.getByTestId('run-result')
    await expect(result).toBeVisible({ timeout: 30_000 })
    await expect(result).toHaveAttribute('data-status', 'done')
    for (const name of ['running', 'stopped'] as const) {
      await expect(page.locator(`tr[data-image-id="${images[name].id}"]`)).toHaveAttribute(
        'data-outcome',
        /.+/,
      )
    }
    // Once shown, the result gives way to the preview another address asks for.
    await setHash(page, '#/cleanup?policy=unused')
    await expect(page.getByTestId('plan-summary')).toBeVisible()
    await expect(result).toHaveCount(0)
    for (const name of ['running', 'stopped'] as const) {
      expect(await imageExists(testEngine.docker, images[name].id), name).toBe(false)
    }
    const left = await testEngine.docker.listContainers({
      all: true,
      filters: { id: [containers.running.id, containers.stopped.id] },
    })
    expect(left).toEqual([])
  })
})
