/**
 * The real Electron app, driven by Playwright's Electron support. Runs only where the Electron
 * runtime exists (it cannot be downloaded on the build machines); elsewhere every test reports
 * itself as not run, with that reason.
 */
import { _electron as electron, expect, test } from '@playwright/test'
import { METHOD_NAMES } from '../../src/shared/channels'
import { electronBinary, root, SKIP_REASON } from './support/electron-binary'

const binary = electronBinary()
test.skip(binary === null, SKIP_REASON)

test('opens the Drydock window with the security baseline and the bridge', async () => {
  const app = await electron.launch({ executablePath: binary!, args: [root] })
  try {
    const window = await app.firstWindow()
    await expect(window).toHaveTitle('Drydock')
    const exposed = await window.evaluate(() =>
      Object.keys((window as unknown as { drydock: object }).drydock).sort(),
    )
    expect(exposed).toEqual([...METHOD_NAMES, 'subscribe'].sort())
    const hasNode = await window.evaluate(
      () => typeof (globalThis as { require?: unknown }).require,
    )
    expect(hasNode).toBe('undefined')
    await expect(window.getByTestId('connection-status')).toBeVisible()
  } finally {
    await app.close()
  }
})
