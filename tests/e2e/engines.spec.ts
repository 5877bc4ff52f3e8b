/**
 * Two engines followed at once in browser mode, through the window as people use it: the shared
 * test engine (A) and a private one of this file's own (B), a server with no --host (it follows
 * Settings' host, as the app does). The engine switcher moves every page to the chosen engine:
 * the Dashboard (its engine card and its trend), Images, and History's engine filter; a plan made
 * on A and run after switching to B is refused, and nothing is removed.
 */
import { mkdirSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { Page } from '@playwright/test'
import { loadImages, type LoadedImage } from '../support/image-archive'
import { startPrivateEngine, type PrivateEngine } from '../support/private-engine'
import { cleanupTestObjects, createTestRun, TEST_REPOSITORY_PREFIX } from '../support/test-engine'
import {
  callApi,
  expect,
  startDrydockServer,
  test,
  type RunningServer,
} from './support/drydock-server'

const screenshots = join(__dirname, '../../artifacts/screenshots')
mkdirSync(screenshots, { recursive: true })

async function imageExists(docker: PrivateEngine['docker'], id: string): Promise<boolean> {
  return docker
    .getImage(id)
    .inspect()
    .then(
      () => true,
      () => false,
    )
}

/** Opens the switcher's panel (if closed). */
async function openEngines(page: Page) {
  const button = page.getByTestId('engine-switcher')
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click()
  const panel = page.getByTestId('engine-panel')
  await expect(panel).toBeVisible()
  return panel
}

/** Shows another engine through the switcher, and waits until the window is on it. */
async function showEngine(page: Page, host: string): Promise<void> {
  const panel = await openEngines(page)
  const row = panel.locator(`[data-testid="engine-entry"][data-host="${host}"]`)
  if ((await row.count()) > 0) {
    await row.getByRole('button', { name: /^Show / }).click()
  } else {
    await panel.getByLabel('Another engine').fill(host)
    await panel.getByRole('button', { name: 'Show', exact: true }).click()
  }
  await expect(panel).toBeHidden()
  await expect(page.getByTestId('engine-switcher')).toHaveAttribute('data-host', host)
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected')
  // Focus comes back to the switcher, not lost with the panel.
  await expect(page.getByTestId('engine-switcher')).toBeFocused()
}

async function follow(page: Page, host: string): Promise<void> {
  const panel = await openEngines(page)
  const row = panel.locator(`[data-testid="engine-entry"][data-host="${host}"]`)
  await row.getByLabel(/^Follow in background/).check()
  await expect(row).toHaveAttribute('data-followed', 'true')
}

/** Cleans one image by ID through the Cleanup page; the run's ID from its History link. */
async function cleanImage(page: Page, server: RunningServer, id: string): Promise<string> {
  await page.goto(`${server.url}#/cleanup?images=${id}`)
  await page.getByRole('button', { name: 'Run cleanup' }).click()
  await page
    .getByRole('dialog', { name: 'Run this cleanup?' })
    .getByRole('button', { name: /^Remove/ })
    .click()
  const result = page.getByTestId('run-result')
  await expect(result).toHaveAttribute('data-status', 'done', { timeout: 30_000 })
  const href = await result
    .getByRole('link', { name: 'Open this run in History' })
    .getAttribute('href')
  return decodeURIComponent(/run=([^&]+)/.exec(href ?? '')![1]!)
}

test.describe('several engines', () => {
  const run = createTestRun('e2e-engines')
  let b: PrivateEngine | undefined

  test.beforeAll(async ({ testEngine }) => {
    test.setTimeout(180_000)
    expect(testEngine.host).toBeTruthy()
    b = await startPrivateEngine('e2e-b')
  })

  test.afterAll(async ({ testEngine }) => {
    await cleanupTestObjects(testEngine.docker, run)
    await b?.stop()
  })

  test('each page shows the chosen engine; a plan made on one is refused on the other', async ({
    page,
    testEngine,
    workDir,
  }) => {
    test.setTimeout(240_000)
    const A = testEngine.host
    const B = b!.host
    const repo = `${TEST_REPOSITORY_PREFIX}${run.id.toLowerCase()}`
    const image = (name: string, seed: number) => ({
      tags: [`${repo}/${name}:1`],
      created: '2024-06-01T00:00:00Z',
      layers: [{ files: { [`/data/${name}`]: { size: 200_000, seed } } }],
    })
    // Each engine's own images: one that stays, one cleaned (a run in History on each engine),
    // and on A one to plan there and try to run from B.
    const [onA, cleanA, refuseA] = (await loadImages(
      testEngine.docker,
      [image('on-a', 101), image('clean-a', 102), image('refuse-a', 103)],
      run,
    )) as [LoadedImage, LoadedImage, LoadedImage]
    const [onB, cleanB] = (await loadImages(b!.docker, [
      image('on-b', 201),
      image('clean-b', 202),
    ])) as [LoadedImage, LoadedImage]

    // No --host: Settings' host decides. The first engine is set as a user's Settings would be.
    mkdirSync(join(workDir, 'docker-config'))
    const server = await startDrydockServer(null, {
      db: join(workDir, 'drydock.db'),
      dockerConfig: join(workDir, 'docker-config'),
    })
    try {
      await callApi(server, 'updateSettings', { host: A })
      await callApi(server, 'reconnect')

      await page.goto(`${server.url}#/dashboard`)
      await expect(page.getByTestId('connection-status')).toHaveAttribute(
        'data-status',
        'connected',
      )
      await expect(page.getByTestId('engine-switcher')).toHaveAttribute('data-host', A)
      await expect(page.getByTestId('engine-host')).toHaveText(A)

      // Follow A, then name B by its host: both followed at once.
      await follow(page, A)
      await showEngine(page, B)
      await follow(page, B)
      const panel = await openEngines(page)
      await expect(panel.locator('[data-testid="engine-entry"][data-followed="true"]')).toHaveCount(
        2,
      )
      await expect(panel.locator(`[data-host="${B}"]`)).toHaveAttribute('data-current', 'true')
      await page.screenshot({ path: join(screenshots, 'engines-switcher.png') })
      await page.keyboard.press('Escape')
      await expect(panel).toBeHidden()
      const settings = await callApi<{ host: string; followedEngines: string[] }>(
        server,
        'getSettings',
      )
      expect(settings.host).toBe(B)
      expect([...settings.followedEngines].sort()).toEqual([A, B].sort())

      // The Dashboard is B's: its engine card and its usage trend.
      await expect(page.getByTestId('engine-host')).toHaveText(B)
      await expect(page.getByTestId('usage-trend').locator('[data-host]')).toHaveAttribute(
        'data-host',
        B,
      )
      await expect(page.getByTestId('engine-location')).toHaveAttribute('data-location', 'local')
      await expect(page.getByTestId('engine-location')).toContainText('Local')
      await page.screenshot({ path: join(screenshots, 'engines-dashboard.png'), fullPage: true })

      // Images: B's, not A's; after switching back, A's.
      await page.getByRole('navigation').getByRole('link', { name: 'Images' }).click()
      await expect(page.locator(`tr[data-image-id="${onB.id}"]`)).toBeVisible()
      await expect(page.locator(`tr[data-image-id="${onA.id}"]`)).toHaveCount(0)
      await showEngine(page, A)
      await expect(page.locator(`tr[data-image-id="${onA.id}"]`)).toBeVisible()
      await expect(page.locator(`tr[data-image-id="${onB.id}"]`)).toHaveCount(0)

      // A run on each engine, then History filtered by engine.
      const runOnA = await cleanImage(page, server, cleanA.id)
      await showEngine(page, B)
      const runOnB = await cleanImage(page, server, cleanB.id)
      await page.goto(`${server.url}#/history`)
      const rowA = page.locator(`[data-testid="run-row"][data-run-id="${runOnA}"]`)
      const rowB = page.locator(`[data-testid="run-row"][data-run-id="${runOnB}"]`)
      await expect(rowA).toBeVisible()
      await expect(rowB).toBeVisible()
      await expect(rowB.getByTestId('run-engine')).toHaveAttribute('title', B)
      const engineFilter = page.getByLabel('Engine', { exact: true })
      await expect(engineFilter.locator('option', { hasText: '(shown now)' })).toHaveAttribute(
        'value',
        B,
      )
      await engineFilter.selectOption(B)
      await expect(rowA).toHaveCount(0)
      await expect(rowB).toBeVisible()
      await page.screenshot({ path: join(screenshots, 'engines-history.png'), fullPage: true })
      await engineFilter.selectOption(A)
      await expect(rowB).toHaveCount(0)
      await expect(rowA).toBeVisible()

      // A plan made on A, run after switching to B: refused, nothing removed anywhere.
      await showEngine(page, A)
      await page.goto(`${server.url}#/cleanup?images=${refuseA.id}`)
      await expect(page.locator(`tr[data-item-id="${refuseA.id}"]`)).toHaveAttribute(
        'data-action',
        'delete',
      )
      await showEngine(page, B)
      const moved = page.getByTestId('plan-engine-moved')
      await expect(moved).toBeVisible()
      // Named by its socket's folder (the CI engine's folder has a random suffix).
      const nameOfA = basename(dirname(new URL(A).pathname))
      await expect(moved).toContainText(`This plan was made on ${nameOfA};`)
      // The plan stays what was reviewed: A's image, not a plan of B.
      await expect(page.locator(`tr[data-item-id="${refuseA.id}"]`)).toBeVisible()
      await page.getByRole('button', { name: 'Run cleanup' }).click()
      await page
        .getByRole('dialog', { name: 'Run this cleanup?' })
        .getByRole('button', { name: /^Remove/ })
        .click()
      const refusal = page.getByTestId('error-banner')
      await expect(refusal).toContainText(
        'This plan was made on another engine: nothing was removed',
      )
      await expect(refusal).toContainText('Nothing was removed: make the plan again.')
      await page.screenshot({ path: join(screenshots, 'engines-refused.png'), fullPage: true })
      expect(await imageExists(testEngine.docker, refuseA.id)).toBe(true)
      expect(await imageExists(b!.docker, onB.id)).toBe(true)
      const runs = await callApi<{ id: string }[]>(server, 'listRuns', {})
      expect(runs.map((each) => each.id).sort()).toEqual([runOnA, runOnB].sort())

      // Making the plan again plans on the engine shown now, where A's image does not exist.
      await page.getByRole('button', { name: 'Make the plan again' }).click()
      await expect(page.getByTestId('error-banner')).toContainText(`No such image: ${refuseA.id}`)
      await expect(page.getByTestId('plan-engine-moved')).toHaveCount(0)
    } finally {
      await server.stop()
    }
  })
})
