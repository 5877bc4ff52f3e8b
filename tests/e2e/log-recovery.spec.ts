/**
 * A log that cannot be read is moved aside at start-up and its Settings (the protected images)
 * are lost with it: the window says so on every page, policy cleanups are refused with the reason
 * until the user says they reviewed Settings, and then they run. A private engine of this file's
 * own, so "Clean up safely" can reach only what the test made.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadImages } from '../support/image-archive'
import { startPrivateEngine, type PrivateEngine } from '../support/private-engine'
import { auditPage, SCHEMES } from './support/axe'
import { callApi, expect, startDrydockServer, test } from './support/drydock-server'

const screenshots = join(__dirname, '../../artifacts/screenshots')
mkdirSync(join(screenshots, 'accessibility'), { recursive: true })

test.describe('a replaced log', () => {
  let engine: PrivateEngine | undefined

  test.beforeAll(async ({ testEngine }) => {
    test.setTimeout(180_000)
    expect(testEngine.host).toBeTruthy()
    engine = await startPrivateEngine('e2e-log')
  })

  test.afterAll(async () => {
    await engine?.stop()
  })

  test('is told until Settings are reviewed; policy cleanups wait for it', async ({
    page,
    workDir,
  }) => {
    test.setTimeout(180_000)
    const [dangling] = await loadImages(engine!.docker, [
      {
        tags: [],
        created: '2024-01-01T00:00:00Z',
        layers: [{ files: { '/data/left-over': { size: 300_000, seed: 77 } } }],
      },
    ])
    // Garbage where the log should be: not a SQLite database.
    const db = join(workDir, 'drydock.db')
    writeFileSync(db, Buffer.alloc(64 * 1024, 'not a database; '))
    const server = await startDrydockServer(engine!.host, { db })
    try {
      const moved = readdirSync(workDir).find((name) => name.startsWith('drydock.db.corrupt-'))
      expect(moved, 'the corrupt log was moved aside').toBeTruthy()

      await page.goto(`${server.url}#/dashboard`)
      const notice = page.getByTestId('log-recovery-pending')
      await expect(notice).toContainText('Drydock replaced its log')
      await expect(notice).toContainText(`moved aside to ${join(workDir, moved!)}`)
      await expect(notice).toContainText('among them the images you protected')
      await expect(notice.getByRole('link', { name: 'Open Settings' })).toHaveAttribute(
        'href',
        '#/settings',
      )
      await page.screenshot({ path: join(screenshots, 'log-recovery.png'), fullPage: true })

      // The notice passes the audit, in both schemes.
      const failures: string[] = []
      for (const scheme of SCHEMES) {
        await page.emulateMedia({ colorScheme: scheme })
        await expect(page.getByTestId('dashboard')).toBeVisible()
        await expect(page.locator('.skeleton')).toHaveCount(0, { timeout: 20_000 })
        const failure = await auditPage(page, `Dashboard with the log notice (${scheme})`)
        if (failure) failures.push(failure)
        await page.screenshot({
          path: join(screenshots, 'accessibility', `${scheme}-log-recovery.png`),
        })
      }
      expect(failures, `axe found violations:\n\n${failures.join('\n\n')}`).toEqual([])
      await page.emulateMedia({ colorScheme: null })

      // "Clean up safely" is refused, with the reason, and removes nothing.
      await page.getByRole('link', { name: 'Clean up safely' }).click()
      await expect(page.locator(`tr[data-item-id="${dangling!.id}"]`)).toHaveAttribute(
        'data-action',
        'delete',
      )
      const run = async () => {
        await page.getByRole('button', { name: 'Run cleanup' }).click()
        await page
          .getByRole('dialog', { name: 'Run this cleanup?' })
          .getByRole('button', { name: /^Remove/ })
          .click()
      }
      await run()
      const refusal = page.getByTestId('error-banner')
      await expect(refusal).toContainText('The cleanup could not run')
      await expect(refusal).toContainText('The log was replaced (the old one was moved to')
      await expect(refusal).toContainText('Review Settings, then acknowledge the notice')
      await page.screenshot({ path: join(screenshots, 'log-recovery-refused.png'), fullPage: true })
      expect((await engine!.docker.listImages({ all: true })).map((image) => image.Id)).toContain(
        dangling!.id,
      )
      expect(await callApi<unknown[]>(server, 'listRuns', {})).toEqual([])

      // Acknowledged: the notice goes, here and for the service.
      await notice.getByRole('button', { name: 'I’ve reviewed Settings' }).click()
      await expect(notice).toHaveCount(0)
      await expect(page.getByTestId('log-recovered')).toHaveCount(0)
      const status = await callApi<{ recoveryPending: string | null }>(server, 'getLogStatus')
      expect(status.recoveryPending).toBeNull()

      // Now the same cleanup runs.
      await refusal.getByRole('button', { name: 'Make the plan again' }).click()
      await run()
      await expect(page.getByTestId('run-result')).toHaveAttribute('data-status', 'done', {
        timeout: 30_000,
      })
      expect(
        (await engine!.docker.listImages({ all: true })).map((image) => image.Id),
      ).not.toContain(dangling!.id)
      expect(existsSync(join(workDir, moved!))).toBe(true)
    } finally {
      await server.stop()
    }
  })
})
