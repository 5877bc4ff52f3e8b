/**
 * History works from the log alone: a cleanup made with the CLI against the private engine is
 * shown, item by item, by a browser-mode server whose engine does not exist.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { loadImages } from '../support/image-archive'
import { cleanupTestObjects, createTestRun } from '../support/test-engine'
import { drydockBin, expect, startDrydockServer, test } from './support/drydock-server'

const run = promisify(execFile)
const screenshots = join(__dirname, '../../artifacts/screenshots')
mkdirSync(screenshots, { recursive: true })

interface CleanJson {
  runId: string
  items: { id: string; outcome: string; reclaimedBytes: number }[]
  reclaimedBytes: number
}

test.describe('history with the engine stopped', () => {
  const testRun = createTestRun('e2e-history')

  test.afterAll(async ({ testEngine }) => {
    await cleanupTestObjects(testEngine.docker, testRun)
  })

  test('shows the run and its items from the log, and says the engine is unreachable', async ({
    page,
    testEngine,
    workDir,
  }) => {
    // Two dangling images of our own, removed by the CLI into a log of our own. Named by ID so
    // the cleanup cannot touch anything this test did not create.
    const images = await loadImages(
      testEngine.docker,
      [
        {
          tags: [],
          created: '2025-02-01T00:00:00Z',
          layers: [{ files: { '/data/a': { size: 1_200_000, seed: 21 } } }],
        },
        {
          tags: [],
          created: '2025-02-02T00:00:00Z',
          layers: [{ files: { '/data/b': { size: 800_000, seed: 22 } } }],
        },
      ],
      testRun,
    )
    const db = join(workDir, 'drydock.db')
    const { stdout } = await run(process.execPath, [
      drydockBin,
      '--host',
      testEngine.host,
      '--db',
      db,
      '--json',
      'clean',
      ...images.flatMap((image) => ['--image', image.id]),
      '--yes',
    ])
    const cleaned = JSON.parse(stdout) as CleanJson
    expect(cleaned.items.map((item) => item.outcome)).toEqual(['deleted', 'deleted'])

    const server = await startDrydockServer('unix:///tmp/nonexistent.sock', { db })
    try {
      await page.goto(`${server.url}#/history`)
      await expect(page.getByTestId('connection-status')).toHaveAttribute(
        'data-status',
        'unreachable',
      )
      await expect(page.getByTestId('connection-status')).toContainText('Engine unreachable')
      await expect(page.getByTestId('history-engine-down')).toContainText(
        'The Docker engine is unreachable',
      )

      const row = page.locator(`[data-testid="run-row"][data-run-id="${cleaned.runId}"]`)
      await expect(row).toBeVisible()
      await expect(row).toContainText('Command line')
      await expect(row).toContainText('Done')
      await expect(page.getByTestId('reclaimed-chart')).toBeVisible()
      await page.screenshot({ path: join(screenshots, 'history.png'), fullPage: true })

      // Filters: the run is a CLI one, so it shows for "Command line" and not for "From the tray".
      await page.getByLabel('Trigger').selectOption('tray')
      await expect(page.getByTestId('history-no-match')).toBeVisible()
      await page.getByLabel('Trigger').selectOption('cli')
      await expect(row).toBeVisible()
      await page.getByRole('button', { name: 'Clear filters' }).click()

      // Open it from the keyboard: its items, outcomes and bytes.
      await row.getByRole('link').focus()
      await page.keyboard.press('Enter')
      const detail = page.getByTestId('run-detail')
      await expect(detail).toBeVisible()
      // Focus moves into the dialog, to its heading, so it is read out first.
      await expect(detail.getByRole('heading', { level: 2 })).toBeFocused()
      const items = detail.getByTestId('run-item')
      await expect(items).toHaveCount(2)
      for (const image of images) {
        const item = detail.locator(`[data-testid="run-item"][data-image-id="${image.id}"]`)
        await expect(item).toContainText('Deleted')
        await expect(item).toContainText(image.id.slice('sha256:'.length, 'sha256:'.length + 12))
      }
      // Loaded images have no registry digest: nothing to pull, and the dialog says why.
      await expect(detail.getByRole('button', { name: 'Pull again' })).toHaveCount(0)
      await expect(detail).toContainText('none can be pulled again')
      await page.screenshot({ path: join(screenshots, 'history-run.png') })

      await page.keyboard.press('Escape')
      await expect(detail).toBeHidden()
      await expect(row.getByRole('link')).toBeFocused()

      // The deep link the cleanup page uses opens the same run directly.
      await page.goto(`${server.origin}/#/history?run=${encodeURIComponent(cleaned.runId)}`)
      await expect(page.getByTestId('run-detail').getByTestId('run-item')).toHaveCount(2)
      await page.keyboard.press('Escape')

      // CSV export: one line per item, named by image ID.
      const downloading = page.waitForEvent('download')
      await page.getByRole('button', { name: 'Export CSV' }).click()
      const csvFile = await downloading
      expect(csvFile.suggestedFilename()).toMatch(/^drydock-history-.*\.csv$/)
      const csv = readFileSync((await csvFile.path())!, 'utf8')
      const lines = csv.trim().split('\r\n')
      expect(lines[0]).toContain('run_id')
      expect(lines).toHaveLength(3)
      for (const image of images) expect(csv).toContain(image.id)

      const downloadingJson = page.waitForEvent('download')
      await page.getByRole('button', { name: 'Export JSON' }).click()
      const json = JSON.parse(readFileSync((await (await downloadingJson).path())!, 'utf8')) as {
        id: string
        items: unknown[]
      }[]
      expect(json.map((r) => [r.id, r.items.length])).toEqual([[cleaned.runId, 2]])
    } finally {
      await server.stop()
    }
  })
})
