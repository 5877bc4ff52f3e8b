/**
 * The dashboard against the private engine: its figures are the CLI's figures, and it is a
 * working page (tabs, the one primary action) with no console errors.
 */
import { execFile } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { busyboxLayer, loadImages } from '../support/image-archive'
import {
  cleanupTestObjects,
  createTestContainer,
  createTestRun,
  testRef,
} from '../support/test-engine'
import { drydockBin, expect, test } from './support/drydock-server'

const run = promisify(execFile)
const screenshots = join(__dirname, '../../artifacts/screenshots')
mkdirSync(screenshots, { recursive: true })

const TYPES = [
  ['images', 'imagesBytes'],
  ['containers', 'containersBytes'],
  ['volumes', 'volumesBytes'],
  ['build-cache', 'buildCacheBytes'],
] as const

test.describe('dashboard', () => {
  const testRun = createTestRun('e2e-dashboard')

  test.beforeAll(async ({ testEngine }) => {
    // Something of our own to count: a tagged image with a stopped container (it holds no bytes
    // of its own: the container holds them too), another with none, and a dangling one.
    const [tagged] = await loadImages(
      testEngine.docker,
      [
        {
          tags: [testRef('dashboard', '1')],
          created: '2025-01-01T00:00:00Z',
          layers: [busyboxLayer(), { files: { '/data/blob': { size: 2_000_000, seed: 11 } } }],
        },
        {
          tags: [testRef('dashboard', '2')],
          created: '2025-01-03T00:00:00Z',
          layers: [{ files: { '/data/unique': { size: 3_000_000, seed: 13 } } }],
        },
        {
          tags: [],
          created: '2025-01-02T00:00:00Z',
          layers: [{ files: { '/data/leftover': { size: 1_500_000, seed: 12 } } }],
        },
      ],
      testRun,
    )
    await createTestContainer(testEngine.docker, testRun, { image: tagged!.id, cmd: ['true'] })
  })

  test.afterAll(async ({ testEngine }) => {
    await cleanupTestObjects(testEngine.docker, testRun)
  })

  test('its totals equal what `drydock status --json` reports for the same engine', async ({
    page,
    isolatedDrydock,
    testEngine,
  }) => {
    const problems: string[] = []
    page.on('pageerror', (error) => problems.push(error.message))

    const { stdout } = await run(process.execPath, [
      drydockBin,
      '--host',
      testEngine.host,
      '--db',
      isolatedDrydock.db,
      '--json',
      'status',
    ])
    const status = JSON.parse(stdout) as {
      usage: Record<(typeof TYPES)[number][1], number> & { freeBytes: number | null }
    }
    expect(status.usage).not.toBeNull()

    await page.goto(isolatedDrydock.url)
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected')
    for (const [id, key] of TYPES) {
      await expect(page.getByTestId(`usage-${id}-bytes`)).toHaveAttribute(
        'data-bytes',
        String(status.usage[key]),
      )
    }
    const total = TYPES.reduce((sum, [, key]) => sum + status.usage[key], 0)
    await expect(page.getByTestId('usage-total').locator('[data-bytes]').first()).toHaveAttribute(
      'data-bytes',
      String(total),
    )
    // Free space moves with everything else on the machine: the same figure within 1%.
    const free = Number(await page.getByTestId('free-bytes').getAttribute('data-bytes'))
    expect(status.usage.freeBytes).not.toBeNull()
    expect(Math.abs(free - status.usage.freeBytes!)).toBeLessThan(status.usage.freeBytes! * 0.01)

    // Our own images are among those counted, the unique bytes ranked.
    await expect(page.getByTestId('top-image').first()).toBeVisible()
    await expect(page.getByTestId('top-images')).toContainText(testRef('dashboard', '2'))

    // The alert line of the default settings (the larger of 10% and 5 GB) is drawn.
    await expect(page.getByTestId('free-threshold')).toBeVisible()
    await page.screenshot({ path: join(screenshots, 'dashboard.png'), fullPage: true })
    expect(problems).toEqual([])
  })

  test('the range tabs work from the keyboard and the primary action opens the safe preview', async ({
    page,
    isolatedDrydock,
  }) => {
    await page.goto(isolatedDrydock.url)
    const tabs = page.getByRole('tablist', { name: 'Time range' })
    await tabs.getByRole('tab', { name: '24 h' }).focus()
    await page.keyboard.press('ArrowRight')
    await expect(tabs.getByRole('tab', { name: '7 d' })).toHaveAttribute('aria-selected', 'true')
    await expect(tabs.getByRole('tab', { name: '7 d' })).toBeFocused()
    expect(page.url()).toContain('range=7d')
    // A fresh log has no samples yet: the chart says so instead of drawing nothing.
    const trend = page.getByTestId('usage-trend')
    await expect(
      trend.getByTestId('usage-trend-chart').or(trend.getByTestId('usage-trend-empty')),
    ).toBeVisible()

    await page.getByRole('link', { name: 'Clean up safely' }).click()
    await expect(page).toHaveURL(/#\/cleanup\?policy=default$/)
  })
})
