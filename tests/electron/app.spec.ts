/**
 * The real Electron app, driven by Playwright's Electron support. Runs only where the Electron
 * runtime exists (it cannot be downloaded on the build machines); elsewhere every test reports
 * itself as not run, with that reason.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { _electron as electron, expect, test } from '@playwright/test'
import { METHOD_NAMES } from '../../src/shared/channels'

const root = join(__dirname, '../..')
const electronDir = join(root, 'node_modules', 'electron')

function electronBinary(): string | null {
  const pathFile = join(electronDir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const binary = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(binary) ? binary : null
}

const binary = electronBinary()
test.skip(
  binary === null,
  'not run: the Electron runtime is not present here (npm start downloads it where the network allows)',
)

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
