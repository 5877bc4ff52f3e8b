/**
 * Automatic cleanup in the window: Settings says when the next one runs and what it would remove
 * now, with a Preview of exactly that selection (the default policy, or a size target), and lists
 * the recent automatic runs with a link to each in History, where they read "Automatic (low
 * disk)". A real run: a log set to alert at once and to clean up on an alert, against a private
 * engine of this file's own holding one dangling image.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { loadImages } from '../support/image-archive'
import { startPrivateEngine, type PrivateEngine } from '../support/private-engine'
import { auditPage, SCHEMES } from './support/axe'
import { callApi, expect, startDrydockServer, test } from './support/drydock-server'

const screenshots = join(__dirname, '../../artifacts/screenshots')
mkdirSync(join(screenshots, 'accessibility'), { recursive: true })

interface Status {
  recent: { outcome: string; trigger: string; runId: string | null }[]
}

test.describe('automatic cleanup', () => {
  let engine: PrivateEngine | undefined

  test.beforeAll(async ({ testEngine }) => {
    test.setTimeout(180_000)
    expect(testEngine.host).toBeTruthy()
    engine = await startPrivateEngine('e2e-auto')
  })

  test.afterAll(async () => {
    await engine?.stop()
  })

  test('Settings shows the next run, its preview and the recent runs; History labels them', async ({
    page,
    workDir,
  }) => {
    test.setTimeout(180_000)
    const [dangling] = await loadImages(engine!.docker, [
      {
        tags: [],
        created: '2024-01-01T00:00:00Z',
        layers: [{ files: { '/data/left-over': { size: 250_000, seed: 91 } } }],
      },
    ])
    const db = join(workDir, 'drydock.db')
    // Settings first: an alert line no disk passes, and automatic cleanup on an alert.
    const first = await startDrydockServer(engine!.host, { db })
    await callApi(first, 'updateSettings', {
      alerts: { enabled: true, freeBelowPercent: 99.99 },
      automation: {
        enabled: true,
        schedule: { kind: 'daily', time: '03:30' },
        onAlert: true,
        policy: { kind: 'default' },
      },
    })
    await first.stop()

    // Started again: its first sample raises the alert, and the alert starts a cleanup.
    const server = await startDrydockServer(engine!.host, { db })
    try {
      await expect
        .poll(
          async () =>
            (await callApi<Status>(server, 'getAutomation')).recent.map((run) => run.outcome),
          { timeout: 60_000 },
        )
        .toContain('started')
      const ran = (await callApi<Status>(server, 'getAutomation')).recent.find(
        (run) => run.outcome === 'started',
      )!
      await expect
        .poll(async () => (await engine!.docker.listImages({ all: true })).map((i) => i.Id), {
          timeout: 30_000,
        })
        .not.toContain(dangling!.id)

      await page.goto(`${server.url}#/settings`)
      const section = page.getByTestId('settings-automation')
      await expect(section.getByLabel('Clean up automatically')).toBeChecked()
      await expect(section.getByLabel('Also when a low-disk alert is raised')).toBeChecked()
      await expect(page.getByTestId('automation-next')).toHaveText(
        /^Next automatic cleanup: (today|tomorrow) at .+, or sooner on a low-disk alert — would remove nothing now$/,
      )
      const preview = page.getByTestId('automation-preview')
      await expect(preview).toHaveAttribute('href', '#/cleanup?policy=default')
      const row = page.getByTestId('automation-run').first()
      await expect(row).toHaveAttribute('data-outcome', 'started')
      await expect(row).toContainText('Low disk')
      await expect(row).toContainText('Ran')
      await expect(row).toContainText(/1 item, 250 kB predicted/)
      await section.scrollIntoViewIfNeeded()
      await page.screenshot({ path: join(screenshots, 'settings-automation.png'), fullPage: true })

      // Settings with automatic cleanup and its recent runs pass the audit, in both schemes.
      const failures: string[] = []
      for (const scheme of SCHEMES) {
        await page.emulateMedia({ colorScheme: scheme })
        await expect(page.locator('[aria-busy="true"]')).toHaveCount(0, { timeout: 20_000 })
        const failure = await auditPage(page, `Settings with automatic runs (${scheme})`)
        if (failure) failures.push(failure)
        await page.screenshot({
          path: join(screenshots, 'accessibility', `${scheme}-settings-automatic-runs.png`),
          fullPage: true,
        })
      }
      await page.emulateMedia({ colorScheme: null })

      // The run in History, labelled as automatic.
      await row.getByRole('link', { name: /^See the run/ }).click()
      await expect(page).toHaveURL(new RegExp(`#/history\\?run=${ran.runId}$`))
      const detail = page.getByTestId('run-detail')
      await expect(detail).toContainText('Automatic (low disk)')
      await page.getByRole('button', { name: 'Close' }).click()
      const listed = page.locator(`[data-testid="run-row"][data-run-id="${ran.runId}"]`)
      await expect(listed).toContainText('Automatic (low disk)')
      await page.getByLabel('Trigger').selectOption('threshold')
      await expect(listed).toBeVisible()

      // Preview: the default policy's own preview.
      await page.goto(`${server.url}#/settings`)
      await page.getByTestId('automation-preview').click()
      await expect(page).toHaveURL(/#\/cleanup\?policy=default$/)
      await expect(page.getByTestId('policy-description')).toContainText('Default policy')

      // A size target, weekly: saved, then previewed at its own address.
      await page.goto(`${server.url}#/settings`)
      await section.getByLabel('Schedule', { exact: true }).selectOption('weekly')
      await section.getByLabel('Day of the week').selectOption('0')
      await section.getByLabel('Time of day').fill('22:15')
      await section.getByLabel('Keep images and build cache under a size').check()
      await page.getByRole('button', { name: 'Save' }).click()
      await expect(page.getByTestId('settings-automationTargetSize-error')).toHaveText(
        'Required: a size such as 20 GB.',
      )
      await expect(section.getByLabel('Target size')).toBeFocused()
      await section.getByLabel('Target size').fill('1 kB')
      await page.getByRole('button', { name: 'Save' }).click()
      await expect(page.getByTestId('settings-status')).toHaveText('Settings saved.')
      await expect(page.getByTestId('automation-saved')).toContainText(
        'Every Sunday at 22:15 and on a low-disk alert',
      )
      await expect(page.getByTestId('automation-preview')).toHaveAttribute(
        'href',
        '#/cleanup?targetSize=1000',
      )
      const saved = await callApi<{ automation: unknown }>(server, 'getSettings')
      expect(saved.automation).toEqual({
        enabled: true,
        schedule: { kind: 'weekly', day: 0, time: '22:15' },
        onAlert: true,
        policy: { kind: 'target-size', bytes: 1000 },
      })
      await page.getByTestId('automation-preview').click()
      await expect(page.getByTestId('request-intro')).toContainText(
        'until images and build cache take at most 1.00 kB',
      )
      await expect(page.getByTestId('plan-target')).toContainText('for a target of 1.00 kB')
      await page.screenshot({ path: join(screenshots, 'cleanup-target-size.png'), fullPage: true })
      expect(failures, `axe found violations:\n\n${failures.join('\n\n')}`).toEqual([])
    } finally {
      await server.stop()
    }
  })
})
