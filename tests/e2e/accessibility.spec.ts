/**
 * Every page passes an automated accessibility audit (axe-core: WCAG 2.1 A and AA, and axe's best
 * practices), in the light and the dark colour scheme, with content on it: the fixture worlds of
 * the Images and kinds specs, a cleanup in History, a plan with a hint, a forced plan, the
 * named-volume confirmation open, the engine switcher open, History filtered by engine, and
 * Settings with automatic cleanup being set up (a message on a field). The log notice, the
 * recent automatic runs and the several-engine pages are audited in their own specs
 * (log-recovery, automation).
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { auditPage, SCHEMES } from './support/axe'
import { expect, test } from './support/drydock-server'
import { buildKindsWorld, type KindsWorld } from './support/kinds-world'
import { buildFixtureWorld, type FixtureWorld } from './support/world'

const screenshots = join(__dirname, '../../artifacts/screenshots/accessibility')
mkdirSync(screenshots, { recursive: true })

let images: FixtureWorld | undefined
let kinds: KindsWorld | undefined

test.beforeAll(async ({ testEngine }) => {
  test.setTimeout(240_000)
  images = await buildFixtureWorld(testEngine.docker, 'e2e-a11y')
  kinds = await buildKindsWorld(testEngine.docker, 'e2e-a11y')
})

test.afterAll(async () => {
  await kinds?.remove()
  await images?.remove()
})

interface Audited {
  name: string
  /** The address after the server's URL. */
  hash: string
  /** What to do once the page is there (open a dialog...). */
  prepare?: (page: Page) => Promise<void>
}

/** The pages, with their main content loaded (no skeleton left). */
function pages(host: string): Audited[] {
  const world = kinds!
  const hinted = world.buildCache ? `#/cleanup?images=${world.buildCache.built.id}` : null
  return [
    { name: 'Dashboard', hash: '#/dashboard' },
    {
      name: 'Dashboard (engine switcher open)',
      hash: '#/dashboard',
      prepare: async (page: Page) => {
        await page.getByTestId('engine-switcher').click()
        await expect(page.getByTestId('engine-entry').first()).toBeVisible()
      },
    },
    { name: 'Images', hash: '#/images' },
    { name: 'Containers', hash: '#/containers' },
    { name: 'Volumes', hash: '#/volumes' },
    { name: 'Build cache', hash: '#/build-cache' },
    { name: 'Cleanup (default policy)', hash: '#/cleanup?policy=default' },
    ...(hinted ? [{ name: 'Cleanup (with a hint)', hash: hinted }] : []),
    {
      name: 'Cleanup (named volume, forced, confirmation open)',
      hash: `#/cleanup?volumes=${world.volumes.data}&withContainers=1`,
      prepare: async (page: Page) => {
        await page.getByRole('button', { name: /^Remove .*…$/ }).click()
        await expect(page.getByRole('dialog', { name: /named volume/ })).toBeVisible()
      },
    },
    { name: 'History', hash: '#/history' },
    {
      name: 'History (a run open)',
      hash: '#/history',
      prepare: async (page: Page) => {
        await page.getByTestId('run-row').first().getByRole('link').click()
        await expect(page.getByTestId('run-items')).toBeVisible()
      },
    },
    { name: 'History (filtered by engine)', hash: `#/history?engine=${encodeURIComponent(host)}` },
    { name: 'Settings', hash: '#/settings' },
    {
      name: 'Settings (automatic cleanup being set up, a field to fix)',
      hash: '#/settings',
      prepare: async (page: Page) => {
        const section = page.getByTestId('settings-automation')
        await section.getByLabel('Clean up automatically').check()
        await section.getByLabel('Schedule', { exact: true }).selectOption('weekly')
        await section.getByLabel('Keep images and build cache under a size').check()
        await page.getByRole('button', { name: 'Save' }).click()
        await expect(page.getByTestId('settings-automationTargetSize-error')).toBeVisible()
        await section.scrollIntoViewIfNeeded()
      },
    },
  ]
}

async function settle(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected')
  // Skeletons and "Making the plan…" are gone: the audit sees the page as people use it.
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0, { timeout: 20_000 })
  await expect(page.locator('.skeleton')).toHaveCount(0, { timeout: 20_000 })
}

test.describe('accessibility', () => {
  test('every page has no axe violations, in the light and the dark scheme', async ({
    page,
    isolatedDrydock,
    testEngine,
  }) => {
    test.setTimeout(240_000)
    // A run in History: the world's stopped container, removed through the Cleanup page.
    const job = kinds!.containers.job1
    await page.goto(`${isolatedDrydock.url}#/cleanup?containers=${job.id}`)
    await page.getByRole('button', { name: 'Run cleanup' }).click()
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /^Remove/ })
      .click()
    await expect(page.getByTestId('run-result')).toBeVisible({ timeout: 30_000 })
    await expect(testEngine.docker.getContainer(job.id).inspect()).rejects.toMatchObject({
      statusCode: 404,
    })

    const failures: string[] = []
    let audited = 0
    for (const scheme of SCHEMES) {
      await page.emulateMedia({ colorScheme: scheme })
      for (const target of pages(testEngine.host)) {
        await page.goto(`${isolatedDrydock.url}${target.hash}`)
        await settle(page)
        await target.prepare?.(page)
        const failure = await auditPage(page, `${target.name} (${scheme})`)
        audited += 1
        const slug = target.name
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/-$/, '')
        await page.screenshot({ path: join(screenshots, `${scheme}-${slug}.png`) })
        if (failure) failures.push(failure)
      }
    }
    expect(audited).toBeGreaterThanOrEqual(2 * 14)
    expect(failures, `axe found violations:\n\n${failures.join('\n\n')}`).toEqual([])
  })
})
