/**
 * The navigation rules of the security baseline, checked in the real Electron app: the window
 * cannot be navigated away from Drydock's page and cannot open another window. Runs only where
 * the Electron runtime exists; elsewhere it reports itself as not run, with the reason.
 */
import { _electron as electron, expect, test } from '@playwright/test'
import { electronBinary, root, SKIP_REASON } from './support/electron-binary'

const binary = electronBinary()
test.skip(binary === null, SKIP_REASON)

test('refuses navigation away from the page and window.open', async () => {
  const app = await electron.launch({ executablePath: binary!, args: [root] })
  try {
    const page = await app.firstWindow()
    await expect(page).toHaveTitle('Drydock')
    const pageFile = page.url().split('#')[0]

    // A script (or a dropped link) trying to leave the app's page: will-navigate refuses it.
    // (Page scripts are passed as strings: this file is type-checked without the DOM library.)
    await page.evaluate(`location.href = 'https://example.com/'`)
    await page.waitForTimeout(1_000)
    expect(page.url().split('#')[0]).toBe(pageFile)

    // A link with target=_blank and window.open: the window-open handler denies both.
    expect(await page.evaluate(`window.open('https://example.com/') === null`)).toBe(true)
    await page.evaluate(`{
      const link = document.createElement('a')
      link.href = 'https://example.com/'
      link.target = '_blank'
      document.body.append(link)
      link.click()
      link.remove()
    }`)
    await page.waitForTimeout(1_000)
    expect(app.windows()).toHaveLength(1)

    // The main process agrees: one window, still on Drydock's page.
    const urls = await app.evaluate(({ BrowserWindow }) =>
      BrowserWindow.getAllWindows().map((each) => each.webContents.getURL()),
    )
    expect(urls.map((url) => url.split('#')[0])).toEqual([pageFile])
  } finally {
    await app.close()
  }
})
