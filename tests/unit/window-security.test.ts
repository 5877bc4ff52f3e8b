import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isAllowedExternalUrl } from '../../src/main/shell/external-links'
import { isTrustedFrame } from '../../src/main/shell/sender'
import { mainWindowOptions } from '../../src/main/shell/window'
import { CONTENT_SECURITY_POLICY } from '../../src/shared/security'

describe('main window options (Electron runtime not available: plain-function test)', () => {
  const options = mainWindowOptions({ preloadPath: '/app/out/preload/index.js' })

  it('keeps the security baseline', () => {
    expect(options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    })
  })

  it('does not show the window before it has painted', () => {
    expect(options.show).toBe(false)
  })
})

describe('content security policy', () => {
  it('allows no inline or eval script and no remote origin', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/)
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'")
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'")
  })

  it('is the policy of the renderer page (less the header-only frame-ancestors)', () => {
    const html = readFileSync(join(__dirname, '../../src/renderer/index.html'), 'utf8')
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]
    const expected = CONTENT_SECURITY_POLICY.split('; ').filter(
      (d) => !d.startsWith('frame-ancestors'),
    )
    expect(meta?.split('; ')).toEqual(expected)
  })
})

describe('IPC sender check', () => {
  const rendererUrl = 'file:///opt/Drydock/resources/app/out/renderer/index.html'

  it('trusts only the top-level frame of the renderer page', () => {
    expect(isTrustedFrame({ url: `${rendererUrl}#/images`, parent: null }, rendererUrl)).toBe(true)
    expect(isTrustedFrame({ url: rendererUrl, parent: {} }, rendererUrl)).toBe(false)
    expect(isTrustedFrame({ url: 'file:///tmp/evil.html', parent: null }, rendererUrl)).toBe(false)
    expect(isTrustedFrame({ url: 'https://example.com/', parent: null }, rendererUrl)).toBe(false)
    expect(isTrustedFrame(null, rendererUrl)).toBe(false)
  })

  it('trusts the dev server by origin', () => {
    const dev = 'http://localhost:5173/'
    expect(isTrustedFrame({ url: 'http://localhost:5173/#/history', parent: null }, dev)).toBe(true)
    expect(isTrustedFrame({ url: 'http://localhost:5174/', parent: null }, dev)).toBe(false)
  })

  it('opens only allow-listed documentation links externally', () => {
    expect(isAllowedExternalUrl('https://docs.docker.com/engine/storage/')).toBe(true)
    expect(isAllowedExternalUrl('http://docs.docker.com/')).toBe(false)
    expect(isAllowedExternalUrl('https://evil.example/')).toBe(false)
    expect(isAllowedExternalUrl('file:///etc/passwd')).toBe(false)
  })
})
