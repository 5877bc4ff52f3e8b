import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { launchOverrides } from '../../src/main/shell/dev-overrides'

const devEnv = {
  ELECTRON_RENDERER_URL: 'http://localhost:5173',
  DRYDOCK_SQLITE_BINDING: '/tmp/electron/better_sqlite3.node',
}

describe('development variables', () => {
  it('are used when the app runs from the sources (npm start, electron-vite dev)', () => {
    expect(launchOverrides(devEnv, false)).toEqual({
      rendererUrl: 'http://localhost:5173',
      sqliteBinding: '/tmp/electron/better_sqlite3.node',
    })
    expect(launchOverrides({}, false)).toEqual({ rendererUrl: null, sqliteBinding: null })
  })

  it('are ignored by a packaged app', () => {
    expect(launchOverrides(devEnv, true)).toEqual({ rendererUrl: null, sqliteBinding: null })
  })

  it.each([
    'https://evil.example/',
    'file:///tmp/page.html',
    'javascript:alert(1)',
    'http://192.0.2.1:5173',
    'not a url',
  ])('never load the renderer from %j, even in development', (url) => {
    expect(launchOverrides({ ELECTRON_RENDERER_URL: url }, false).rendererUrl).toBeNull()
  })

  it('are read only through launchOverrides in the main process', () => {
    const main = readFileSync(join(__dirname, '../../src/main/index.ts'), 'utf8')
    expect(main).toContain('launchOverrides(process.env, app.isPackaged)')
    expect(main).not.toMatch(/process\.env\.(ELECTRON_RENDERER_URL|DRYDOCK_SQLITE_BINDING)/)
  })
})
