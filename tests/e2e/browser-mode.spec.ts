import { mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { expect, startDrydockServer, test } from './support/drydock-server'

const screenshots = join(__dirname, '../../artifacts/screenshots')
mkdirSync(screenshots, { recursive: true })

test.describe('browser mode against the private engine', () => {
  test('shows the real engine version, with no console errors', async ({ page, drydock }) => {
    const problems: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text())
    })
    page.on('pageerror', (error) => problems.push(error.message))

    await page.goto(drydock.url)
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected')
    await expect(page.getByTestId('engine-version').first()).toHaveText(drydock.engineVersion)
    // The token leaves the address bar once the page has stored it.
    expect(page.url()).not.toContain('token=')
    await page.screenshot({ path: join(screenshots, 'dashboard.png') })
    expect(problems).toEqual([])
  })

  test('every page is reachable from the keyboard', async ({ page, drydock }) => {
    await page.goto(drydock.url)
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected')
    for (const name of ['Images', 'History', 'Settings', 'Dashboard']) {
      const link = page.getByRole('navigation').getByRole('link', { name })
      await link.focus()
      await page.keyboard.press('Enter')
      await expect(link).toHaveAttribute('aria-current', 'page')
      await expect(page.getByRole('heading', { level: 1 })).toContainText(name)
      await page.screenshot({ path: join(screenshots, `${name.toLowerCase()}.png`) })
    }
  })

  test("the first paint's code holds neither recharts nor zod", async ({ request, drydock }) => {
    // index.html names the entry and every module it imports statically (modulepreload): the
    // code a page runs before its first paint. The charts and the Settings form load later.
    const html = await (await request.get(`${drydock.origin}/`)).text()
    const scripts = [...html.matchAll(/(?:src|href)="\.\/assets\/([^"]+\.js)"/g)].map((m) => m[1])
    expect(scripts.length).toBeGreaterThan(1)
    expect(scripts.filter((name) => /^(charts|zod|SettingsForm)-/.test(name!))).toEqual([])
    // …and they exist, in chunks of those names (a renamed chunk would pass the line above).
    const built = readdirSync(join(__dirname, '../../out/renderer/assets'))
    for (const chunk of ['charts', 'zod', 'SettingsForm'])
      expect(built.some((name) => name.startsWith(`${chunk}-`))).toBe(true)
  })

  test('refuses a wrong or missing token with 401', async ({ request, drydock }) => {
    const wrong = await request.post(`${drydock.origin}/api/call/getEngineInfo`, {
      headers: { Authorization: 'Bearer not-the-token' },
      data: {},
    })
    expect(wrong.status()).toBe(401)
    expect(await wrong.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } })

    const missing = await request.post(`${drydock.origin}/api/call/getEngineInfo`, { data: {} })
    expect(missing.status()).toBe(401)

    const events = await request.get(`${drydock.origin}/api/events?token=nope`)
    expect(events.status()).toBe(401)
  })

  test('refuses a foreign Origin and a foreign Host even with the right token', async ({
    request,
    drydock,
  }) => {
    const token = new URL(drydock.url).searchParams.get('token')!
    const foreign = await request.post(`${drydock.origin}/api/call/getEngineInfo`, {
      headers: { Authorization: `Bearer ${token}`, Origin: 'http://evil.example' },
      data: {},
    })
    expect(foreign.status()).toBe(403)

    const rebound = await request.post(`${drydock.origin}/api/call/getEngineInfo`, {
      headers: { Authorization: `Bearer ${token}`, Host: 'evil.example' },
      data: {},
    })
    expect(rebound.status()).toBe(403)

    const own = await request.post(`${drydock.origin}/api/call/getEngineInfo`, {
      headers: { Authorization: `Bearer ${token}`, Origin: drydock.origin },
      data: {},
    })
    expect(own.status()).toBe(200)
    expect(await own.json()).toMatchObject({ ok: true, value: { version: drydock.engineVersion } })
  })

  test('answers an invalid payload with 400 and a typed error', async ({ request, drydock }) => {
    const token = new URL(drydock.url).searchParams.get('token')!
    const response = await request.post(`${drydock.origin}/api/call/getEngineInfo`, {
      headers: { Authorization: `Bearer ${token}` },
      data: { surprise: true },
    })
    expect(response.status()).toBe(400)
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'invalid-request' } })
  })

  test('without the token the page explains how to get in', async ({ page, drydock }) => {
    await page.goto(drydock.origin)
    await expect(page.getByText(/drydock serve/)).toBeVisible()
  })
})

test.describe('browser mode with no engine', () => {
  test('shows the unreachable state with the reason, and Retry', async ({ page, drydock }) => {
    // `drydock` keeps the browser/engine preconditions; this server points at nothing.
    void drydock
    const server = await startDrydockServer('unix:///nonexistent/drydock-e2e.sock')
    try {
      await page.goto(server.url)
      await expect(page.getByTestId('connection-status')).toHaveAttribute(
        'data-status',
        'unreachable',
      )
      await expect(page.getByText(/the socket does not exist/).first()).toBeVisible()
      await expect(page.getByRole('button', { name: /retry/i }).first()).toBeVisible()
      await page.screenshot({ path: join(screenshots, 'unreachable.png') })
    } finally {
      await server.stop()
    }
  })
})
