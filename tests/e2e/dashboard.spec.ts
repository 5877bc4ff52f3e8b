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
import { callApi, drydockBin, expect, startDrydockServer, test } from './support/drydock-server'

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
    // The engine's own figures, not the log's last sample painted before them.
    await expect(page.getByTestId('usage-images-bytes')).toHaveAttribute('data-source', 'live')
    await expect(page.getByTestId('free-bytes')).toHaveAttribute('data-source', 'live')
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

test.describe('cached figures', () => {
  test("paints the log's last sample at once, then the engine's own figures", async ({
    page,
    testEngine,
    workDir,
  }) => {
    // A first start samples the engine into the log, as the app does every interval.
    const db = join(workDir, 'cached.db')
    const first = await startDrydockServer(testEngine.host, { db })
    try {
      // The first sample waits 2 s after the start (the window paints first).
      await expect
        .poll(async () => (await callApi(first, 'getLatestUsage')) !== null, { timeout: 20_000 })
        .toBe(true)
    } finally {
      await first.stop()
    }
    const server = await startDrydockServer(testEngine.host, { db })
    try {
      const sample = await callApi<{ imagesBytes: number }>(server, 'getLatestUsage')
      // The engine's answer held back (a big engine's df takes seconds): the page must not wait.
      let release = (): void => undefined
      const held = new Promise<void>((resolve) => (release = resolve))
      await page.route('**/api/call/getDiskUsage', async (route) => {
        await held
        await route.continue()
      })
      // The page opened with its token holds that answer already (no round trip before the
      // first paint); the same file fetched without the token holds nothing.
      const withToken = await (await fetch(server.url)).text()
      expect(withToken).toContain('id="drydock-preloaded"')
      expect(withToken).toContain(`"imagesBytes":${sample.imagesBytes}`)
      expect(await (await fetch(`${server.origin}/`)).text()).not.toContain('drydock-preloaded')
      // The page arrives with its first frame (src/web/first-frame-page.ts): the figures are in
      // its markup, painted before the app's code has run; a browser that runs none shows them.
      const scriptless = await page.context().browser()!.newContext({ javaScriptEnabled: false })
      try {
        const bare = await scriptless.newPage()
        await bare.goto(server.url)
        const frozen = bare.locator('#root > .first-frame[inert]').getByTestId('usage-images-bytes')
        await expect(frozen).toHaveAttribute('data-source', 'cached')
        await expect(frozen).toHaveAttribute('data-bytes', String(sample.imagesBytes))
      } finally {
        await scriptless.close()
      }
      // The frame's style attributes and stylesheet are allowed by their hashes alone.
      const refused: string[] = []
      page.on('console', (message) => {
        if (message.text().includes('Content Security Policy')) refused.push(message.text())
      })
      await page.goto(server.url)
      const images = page.getByTestId('usage-images-bytes')
      await expect(images).toHaveAttribute('data-source', 'cached')
      await expect(images).toHaveAttribute('data-bytes', String(sample.imagesBytes))
      await expect(page.getByTestId('usage-images')).toContainText('Last sample')
      await expect(page.getByTestId('free-bytes')).toHaveAttribute('data-source', 'cached')
      release()
      await expect(images).toHaveAttribute('data-source', 'live')
      await expect(page.getByTestId('free-bytes')).toHaveAttribute('data-source', 'live')
      await expect(page.getByTestId('usage-images')).not.toContainText('Last sample')
      // The app has rendered over the frame.
      await expect(page.locator('.first-frame')).toHaveCount(0)
      expect(refused).toEqual([])
      // Painted from the page's own copy, without asking: no request for the last sample began
      // before those figures reached the screen (Element Timing on the tiles). Later the server's
      // first sample (2 s after its start) makes the page ask again, by design; on a slow machine
      // that came before a snapshot of the requests taken after the checks above.
      const untilCached = await page.evaluate(
        () =>
          new Promise<string[]>((resolve) => {
            new PerformanceObserver((list, observer) => {
              const figures = (
                list.getEntries() as unknown as { identifier: string; renderTime: number }[]
              ).find((entry) => entry.identifier === 'dashboard-figures')
              if (!figures) return
              observer.disconnect()
              resolve(
                performance
                  .getEntriesByType('resource')
                  .filter((entry) => entry.startTime < figures.renderTime)
                  .map((entry) => new URL(entry.name).pathname),
              )
              // 'element' (Element Timing): a type the Node typings of this file do not list.
            }).observe({ type: 'element', buffered: true } as unknown as { type: 'mark' })
          }),
      )
      expect(untilCached.length).toBeGreaterThan(0) // the stylesheet, at least
      expect(untilCached).not.toContain('/api/call/getLatestUsage')
    } finally {
      await server.stop()
    }
  })
})

test.describe('the first frame', () => {
  test("a page opened at another page's hash never shows the dashboard's frame", async ({
    page,
    testEngine,
    workDir,
  }) => {
    const server = await startDrydockServer(testEngine.host, { db: join(workDir, 'frame.db') })
    try {
      // The app's code held back: what shows until it runs is the page as the server sent it,
      // after the loader script has seen the hash.
      let release = (): void => undefined
      const held = new Promise<void>((resolve) => (release = resolve))
      const asked = page.waitForRequest(/\/assets\/index-[^/]*\.js$/)
      await page.route(/\/assets\/index-[^/]*\.js$/, async (route) => {
        await held
        await route.continue()
      })
      await page.goto(`${server.url}#/images`, { waitUntil: 'domcontentloaded' })
      await asked
      await expect(page.locator('#root > *')).toHaveCount(0)
      release()
      await expect(page.getByRole('heading', { level: 1 })).toContainText('Images')
    } finally {
      await server.stop()
    }
  })
})

test.describe('the alert banner', () => {
  test('shows a low-disk alert with Review cleanup, Snooze 1 h and Until tomorrow, in every tab', async ({
    page,
    testEngine,
    workDir,
  }) => {
    // Every disk has less than 100% free: with that threshold the first sample raises an alert.
    const db = join(workDir, 'alerts.db')
    const first = await startDrydockServer(testEngine.host, { db })
    try {
      await callApi(first, 'updateSettings', { alerts: { enabled: true, freeBelowPercent: 100 } })
    } finally {
      await first.stop()
    }
    // A fresh start samples (2 s after it starts), and the monitor reads the new threshold.
    const server = await startDrydockServer(testEngine.host, { db })
    try {
      await expect
        .poll(async () => (await callApi<{ active: [] }>(server, 'getMonitorState')).active, {
          timeout: 20_000,
        })
        .toHaveLength(1)

      await page.goto(server.url)
      const banner = page.getByTestId('alert-banner')
      await expect(banner).toBeVisible()
      await expect(banner).toHaveAttribute('role', 'alert')
      await expect(page.getByTestId('usage-images-bytes')).toBeVisible()
      await page.screenshot({ path: join(screenshots, 'dashboard-alert.png') })
      await banner.getByRole('link', { name: 'Review cleanup' }).click()
      await expect(page).toHaveURL(/#\/cleanup\?policy=default$/)

      // Another tab follows a snooze chosen here (the monitor's `monitor` event).
      const other = await page.context().newPage()
      await other.goto(server.url)
      await expect(other.getByTestId('alert-banner')).toBeVisible()
      await banner.getByRole('button', { name: 'Snooze 1 h' }).click()
      await expect(banner).toBeHidden()
      await expect(other.getByTestId('alert-banner')).toBeHidden()

      // A short snooze from elsewhere (the tray) hides the banner, which comes back when it ends.
      await callApi(server, 'snoozeAlerts', { until: new Date(Date.now() + 2000).toISOString() })
      await expect(other.getByTestId('alert-banner')).toBeHidden()
      await expect(other.getByTestId('alert-banner')).toBeVisible({ timeout: 10_000 })
      await other.getByRole('button', { name: 'Until tomorrow' }).click()
      await expect(other.getByTestId('alert-banner')).toBeHidden()
      const tomorrow = await callApi<{ snoozedUntil: string }>(server, 'getMonitorState')
      const morning = new Date()
      morning.setDate(morning.getDate() + 1)
      morning.setHours(8, 0, 0, 0)
      expect(Date.parse(tomorrow.snoozedUntil)).toBe(morning.getTime())
      await other.close()
      // The snooze is the monitor's, not the page's: it holds across a reload.
      await page.reload()
      await expect(page.getByTestId('connection-status')).toHaveAttribute(
        'data-status',
        'connected',
      )
      await expect(page.getByTestId('alert-banner')).toBeHidden()
      const state = await callApi<{ snoozedUntil: string | null }>(server, 'getMonitorState')
      expect(Date.parse(state.snoozedUntil!)).toBeGreaterThan(Date.now() + 55 * 60 * 1000)
    } finally {
      await server.stop()
    }
  })
})
