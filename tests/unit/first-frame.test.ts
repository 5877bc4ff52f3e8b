/**
 * Browser mode's first frame: the page the server assembles (src/web/first-frame-page.ts) and the
 * frame itself, rendered by the Node build of the renderer that `drydock serve` loads
 * (out/first-frame, made by `npm run build`).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { DrydockHandlers, EventSource } from '../../src/shared/contract'
import { startWebServer } from '../../src/web/server'
import { createHash } from 'node:crypto'
import type { FirstFrame } from '../../src/shared/preloaded'
import { CONTENT_SECURITY_POLICY } from '../../src/shared/security'
import {
  FIRST_FRAME_SCRIPT,
  linkedStylesheets,
  pageWithFirstFrame,
} from '../../src/web/first-frame-page'

/** index.html as the renderer's build writes it. */
const BUILT = `<!doctype html>
<html lang="en">
  <head>
    <meta
      http-equiv="Content-Security-Policy"
      content="default-src 'none'; style-src 'self'"
    />
    <title>Drydock</title>
    <script type="module" crossorigin src="./assets/index-A1.js"></script>
    <link rel="modulepreload" crossorigin href="./assets/react-B2.js">
    <link rel="modulepreload" crossorigin href="./assets/table-C3.js">
    <link rel="stylesheet" crossorigin href="./assets/index-D4.css">
  </head>
  <body>
    <div id="root"></div>
  </body>
</html>`

describe('the page with its first frame', () => {
  const frame = '<main style="width:70%">$& $1 frame<i style="width:70%"></i></main>'
  const made = pageWithFirstFrame(BUILT, frame, 'dashboard', CONTENT_SECURITY_POLICY)!
  const page = made.html

  it('holds the frame in #root, inert until the app replaces it, taken literally', () => {
    expect(page).toContain(`<div id="root"><div class="first-frame" inert>${frame}</div></div>`)
  })

  it("allows the frame's style attributes by their hashes, and nothing more", () => {
    // React writes a style as an attribute; a policy without 'unsafe-inline' refuses those.
    const hash = createHash('sha256').update('width:70%').digest('base64')
    expect(made.contentSecurityPolicy).toBe(
      CONTENT_SECURITY_POLICY.replace(
        "style-src 'self'",
        `style-src 'self' 'unsafe-hashes' 'sha256-${hash}'`,
      ),
    )
    expect(made.contentSecurityPolicy).not.toContain('unsafe-inline')
    // The file's own policy would refuse them: the header alone is the page's policy.
    expect(page).not.toContain('http-equiv')
    const plain = pageWithFirstFrame(BUILT, '<main></main>', 'dashboard', CONTENT_SECURITY_POLICY)
    expect(plain!.contentSecurityPolicy).toBe(CONTENT_SECURITY_POLICY)
  })

  it('loads the app only through the loader script, which names its modules', () => {
    expect(page).not.toContain('type="module"')
    expect(page).not.toContain('modulepreload')
    const loader = new RegExp(`<script src="${FIRST_FRAME_SCRIPT.replace('.', '\\.')}"[^>]*>`).exec(
      page,
    )?.[0]
    expect(loader).toContain('data-entry="./assets/index-A1.js"')
    expect(loader).toContain('data-preload="./assets/react-B2.js ./assets/table-C3.js"')
    expect(loader).toContain('data-route="dashboard"')
    // After the frame's markup, so it runs once that is parsed; the stylesheet stays in the head.
    expect(page.indexOf(loader!)).toBeGreaterThan(page.indexOf('frame<i'))
    expect(page).toContain('<link rel="stylesheet" crossorigin href="./assets/index-D4.css">')
  })

  it('holds the stylesheets given, allowed by their hashes; links the others', () => {
    const css = '.app{display:grid}'
    const inlined = pageWithFirstFrame(
      BUILT,
      '<main></main>',
      'dashboard',
      CONTENT_SECURITY_POLICY,
      new Map([['./assets/index-D4.css', css]]),
    )!
    expect(linkedStylesheets(BUILT)).toEqual(['./assets/index-D4.css'])
    expect(inlined.html).toContain(`<style>${css}</style>`)
    expect(inlined.html).not.toContain('rel="stylesheet"')
    const hash = createHash('sha256').update(css).digest('base64')
    expect(inlined.contentSecurityPolicy).toContain(`style-src 'self' 'sha256-${hash}'`)
    expect(inlined.contentSecurityPolicy).not.toContain('unsafe-hashes')
  })

  it('is not made from a page or a policy of another shape', () => {
    const policy = CONTENT_SECURITY_POLICY
    const noRoot = BUILT.replace('<div id="root"></div>', '')
    expect(pageWithFirstFrame(noRoot, 'x', 'dashboard', policy)).toBe(null)
    const noEntry = BUILT.replace(/<script[^]*?<\/script>/, '')
    expect(pageWithFirstFrame(noEntry, 'x', 'dashboard', policy)).toBe(null)
    const otherStyles = policy.replace("style-src 'self'", "style-src 'none'")
    expect(pageWithFirstFrame(BUILT, frame, 'dashboard', otherStyles)).toBe(null)
  })
})

describe("the first frame's Node build", () => {
  const file = join(__dirname, '../../out/first-frame/first-frame.cjs')

  function load(): FirstFrame {
    if (!existsSync(file)) throw new Error('not built: run `npm run build` before the tests')
    return (createRequire(__filename)(file) as { firstFrame: FirstFrame }).firstFrame
  }

  const sample = {
    host: 'unix:///var/run/docker.sock',
    at: new Date(Date.now() - 5 * 60_000).toISOString(),
    imagesBytes: 7_340_032_000,
    containersBytes: 1_000,
    volumesBytes: 2_000,
    buildCacheBytes: 3_000,
    freeBytes: 40e9,
    totalBytes: 100e9,
  }

  it("renders the dashboard with the log's last sample, as the page's first render does", () => {
    const frame = load()
    expect(frame.route).toBe('dashboard')
    const html = frame.render({ getLatestUsage: { ok: true, value: sample } })
    expect(html).toMatch(/^<div class="app">/)
    const tile = /<[^>]*data-testid="usage-images-bytes"[^>]*>/.exec(html)?.[0]
    expect(tile).toContain('data-source="cached"')
    expect(tile).toContain(`data-bytes="${sample.imagesBytes}"`)
    // Element Timing's mark of the figures' first paint (the benchmark's).
    expect(html).toMatch(
      /elementtiming="dashboard-figures"[^>]*><span data-testid="usage-images-bytes"/,
    )
    expect(html).toContain('Last sample')
  })

  it('renders the loading frame when the log has no sample, and when the answer failed', () => {
    const frame = load()
    for (const answers of [
      {},
      { getLatestUsage: { ok: true, value: null } },
      { getLatestUsage: { ok: false, error: { code: 'log-unusable', message: 'locked' } } },
    ]) {
      const html = frame.render(answers)
      expect(html).toContain('aria-busy="true"')
      expect(html).not.toContain('data-testid="usage-images-bytes"')
    }
  })
})

describe('browser mode serving the page with its first frame', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-first-frame-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(join(dir, 'assets'))
  writeFileSync(join(dir, 'index.html'), BUILT)
  for (const name of ['index-A1.js', 'react-B2.js', 'table-C3.js'])
    writeFileSync(join(dir, 'assets', name), '')
  writeFileSync(join(dir, 'assets', 'index-D4.css'), '.app{display:grid}')
  writeFileSync(join(dir, 'first-frame.js'), '')
  // Only what the page itself asks for (its preloaded answer); no engine behind it.
  const service = {
    getLatestUsage: () => Promise.resolve(null),
    subscribe: () => () => undefined,
  } as unknown as DrydockHandlers & EventSource

  it('sends the frame and its policy, and says when the page then loads the app', async () => {
    let loading = 0
    const server = await startWebServer({
      service,
      rendererDir: dir,
      token: 'secret',
      firstFrame: { route: 'dashboard', render: () => '<main style="width:1px">frame</main>' },
      onAppLoading: () => loading++,
    })
    try {
      // The entry's name is public: asked for without a page served first, it starts nothing.
      await fetch(`${server.origin}/assets/index-A1.js`)
      expect(loading).toBe(0)
      const page = await fetch(server.url)
      const html = await page.text()
      expect(html).toContain('<main style="width:1px">frame</main>')
      expect(html).toContain('<style>.app{display:grid}</style>')
      expect(page.headers.get('content-security-policy')).toContain("'unsafe-hashes'")
      // The files themselves, fetched without the token, are the app alone.
      const bare = await (await fetch(`${server.origin}/`)).text()
      expect(bare).toBe(BUILT)
      await fetch(`${server.origin}/assets/react-B2.js`)
      expect(loading).toBe(0)
      await fetch(`${server.origin}/assets/index-A1.js`)
      expect(loading).toBe(1)
      // Once per page served.
      await fetch(`${server.origin}/assets/index-A1.js`)
      expect(loading).toBe(1)
    } finally {
      await server.close()
    }
  })

  it('sends the app alone when the loader script is missing from the build', async () => {
    rmSync(join(dir, 'first-frame.js'))
    const server = await startWebServer({
      service,
      rendererDir: dir,
      token: 'secret',
      firstFrame: { route: 'dashboard', render: () => '<main>frame</main>' },
    })
    try {
      const html = await (await fetch(server.url)).text()
      expect(html).not.toContain('<main>frame</main>')
      expect(html).toContain('<script type="module" crossorigin src="./assets/index-A1.js">')
    } finally {
      await server.close()
      writeFileSync(join(dir, 'first-frame.js'), '')
    }
  })

  it('sends the app alone when the frame cannot render', async () => {
    const server = await startWebServer({
      service,
      rendererDir: dir,
      token: 'secret',
      firstFrame: {
        route: 'dashboard',
        render: () => {
          throw new Error('broken')
        },
      },
    })
    try {
      const html = await (await fetch(server.url)).text()
      expect(html).toContain('<script type="module" crossorigin src="./assets/index-A1.js">')
      expect(html).toContain('id="drydock-preloaded"')
    } finally {
      await server.close()
    }
  })
})
