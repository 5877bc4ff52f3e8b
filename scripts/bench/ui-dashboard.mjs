#!/usr/bin/env node
// Benchmark (not a test): how fast the Dashboard renders 90 days of usage samples, and how big
// the production renderer bundle is (issue 5, "Performance": the dashboard with 90 days of
// samples renders in < 300 ms).
//
//   npm run build && node scripts/bench/ui-dashboard.mjs [--reps 7] [--json]
//
// It serves the BUILT renderer (out/renderer) on 127.0.0.1 with a stub set of contract handlers
// — no engine, no service: a connected engine, fixed disk usage, 200 images, one past run, and a
// usage series of 90 days at 15-minute resolution (8,640 samples) downsampled to the 500 points
// the page asks for, as the service's roll-ups would. Each stub's answer is first parsed with
// the contract's response schema (src/shared, bundled with rolldown): a stub left behind by the
// contract stops the run, by name, instead of crashing the page into a 30 s timeout. Then
// Debian's Chromium (playwright-core) opens `#/dashboard?range=90d` and measures, in the page,
// with the Performance API:
//
//   series → chart   from the moment getUsageSeries' answer is fully received to the frame after
//                    the chart's four stacked areas are in the DOM (what "renders in" means here)
//   tab switch       from a click on the "90 d" tab (on a page showing 24 h) to the same frame
//   page ready       from navigation start to every dashboard card showing its data
//   longest task     the longest main-thread task (PerformanceObserver "longtask") in that time
//
// Prints a table (median, min, max of --reps fresh page loads) and the bundle's files with their
// minified and gzip sizes; writes artifacts/bench/ui-dashboard.json. Exits 0 whatever the figures.
import { readFile, readdir, stat, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { cpus, loadavg, tmpdir } from 'node:os'
import { gzipSync } from 'node:zlib'
import { chromium } from 'playwright-core'
import { build } from 'rolldown'

const REPO = fileURLToPath(new URL('../..', import.meta.url))
const RENDERER = join(REPO, 'out/renderer')
const CHROMIUM = process.env.DRYDOCK_CHROMIUM ?? '/usr/bin/chromium'
const TARGET_MS = 300
const DAY = 24 * 60 * 60 * 1000
const SAMPLE_MS = 15 * 60 * 1000
const GB = 1e9

// --- stub contract ----------------------------------------------------------------------------

/** 90 days of samples ending now: slow growth, daily build-cache swings, a cleanup every week. */
function samples(now) {
  const points = []
  for (let at = now - 90 * DAY; at <= now; at += SAMPLE_MS) {
    const day = (at - (now - 90 * DAY)) / DAY
    const weekly = (day % 7) / 7
    const images = 18 * GB + 14 * GB * weekly + 0.4 * GB * Math.sin(day * 3.1)
    points.push({
      at: new Date(at).toISOString(),
      imagesBytes: Math.round(images),
      containersBytes: Math.round(1.2 * GB + 0.3 * GB * Math.sin(day)),
      volumesBytes: Math.round(6 * GB + day * 0.02 * GB),
      buildCacheBytes: Math.round(3 * GB * (0.5 + 0.5 * Math.sin(day * 6.283))),
      freeBytes: Math.round(120 * GB - images),
      totalBytes: 500 * GB,
    })
  }
  return points
}

/** Bucket averages, as the service's downsampling does. */
function downsample(points, maxPoints) {
  if (points.length <= maxPoints) return points
  const size = points.length / maxPoints
  const out = []
  for (let i = 0; i < maxPoints; i += 1) {
    const bucket = points.slice(Math.floor(i * size), Math.floor((i + 1) * size))
    const avg = (key) => Math.round(bucket.reduce((s, p) => s + p[key], 0) / bucket.length)
    out.push({
      at: bucket[Math.floor(bucket.length / 2)].at,
      imagesBytes: avg('imagesBytes'),
      containersBytes: avg('containersBytes'),
      volumesBytes: avg('volumesBytes'),
      buildCacheBytes: avg('buildCacheBytes'),
      freeBytes: avg('freeBytes'),
      totalBytes: bucket[0].totalBytes,
    })
  }
  return out
}

export function stubHandlers() {
  const now = Date.now()
  const all = samples(now)
  const engine = {
    host: 'unix:///var/run/docker.sock',
    hostSource: 'default',
    id: 'ENGINE-ID',
    name: 'bench',
    version: '27.0.0',
    apiVersion: '1.46',
    os: 'Debian GNU/Linux',
    osType: 'linux',
    arch: 'x86_64',
    kernelVersion: '6.1.0',
    storageDriver: 'overlay2',
    imageStore: 'graphdriver',
    engineKind: 'docker',
    dataRoot: '/var/lib/docker',
    cpus: 8,
    memoryBytes: 16 * GB,
    images: 200,
    containers: 30,
    containersRunning: 5,
  }
  const images = Array.from({ length: 200 }, (_, i) => ({
    id: `sha256:${i.toString(16).padStart(64, '0')}`,
    tags: i % 10 === 0 ? [] : [`bench/app-${i % 17}:${i}`],
    digests: [],
    created: new Date(now - i * DAY).toISOString(),
    parentId: null,
    labels: {},
    size: 200_000_000 + i * 1_000_000,
    uniqueSize: (i * 7919) % 300_000_000,
    layerCount: 6,
    dangling: i % 10 === 0,
    children: [],
    containers: [],
    lastUsed: new Date(now - i * DAY).toISOString(),
    lastUsedSource: 'created',
    protected: false,
  }))
  const at = new Date(now).toISOString()
  return {
    getAppInfo: () => ({ name: 'Drydock', version: 'bench', transport: 'http' }),
    getConnection: () => ({ status: 'connected', host: engine.host, since: at, engine }),
    reconnect: () => ({ status: 'connected', host: engine.host, since: at, engine }),
    listEngines: () => [
      { host: engine.host, name: 'bench', source: 'default', current: true, followed: false },
    ],
    getEngineInfo: () => engine,
    getDiskUsage: () => ({
      at,
      imagesBytes: 31 * GB,
      imageCount: 200,
      containersBytes: 1.3 * GB,
      containerCount: 30,
      volumesBytes: 7.8 * GB,
      volumeCount: 12,
      unusedVolumeCount: 3,
      buildCacheBytes: 2.2 * GB,
      freeBytes: 88 * GB,
      totalBytes: 500 * GB,
      freeSource: 'host-statfs',
      engineLocation: 'local',
      hostDisk: null,
      vmDisk: null,
    }),
    getReclaimable: () => ({
      at,
      imagesBytes: 9.1 * GB,
      containersBytes: 0.4 * GB,
      volumesBytes: 1.1 * GB,
      buildCacheBytes: 2.2 * GB,
      defaultPolicyBytes: 3.4 * GB,
    }),
    getSettings: () => ({
      host: null,
      alerts: {
        enabled: true,
        freeBelowPercent: 10,
        freeBelowBytes: 5 * GB,
        usageAbovePercent: null,
        usageAboveBytes: null,
      },
      followedEngines: [],
      samplingIntervalMinutes: 15,
      protectedPatterns: [],
      protectedLabels: [],
      defaultPolicy: { kind: 'dangling' },
      defaultPolicyKinds: { stoppedContainers: false, buildCache: false, unusedVolumes: false },
      automation: {
        enabled: false,
        schedule: { kind: 'daily', time: '03:30' },
        onAlert: false,
        policy: { kind: 'default' },
      },
      startAtLogin: false,
      startHidden: false,
      closeToTray: true,
    }),
    listImages: () => images,
    listRuns: () => [
      {
        id: 'bench-run',
        startedAt: new Date(now - 2 * DAY).toISOString(),
        finishedAt: new Date(now - 2 * DAY + 4000).toISOString(),
        trigger: 'manual',
        mode: 'safe',
        selection: { dangling: true },
        engineHost: engine.host,
        engineId: null,
        status: 'done',
        predictedBytes: 2.1 * GB,
        reclaimedBytes: 2.1 * GB,
        itemCount: 14,
        error: null,
      },
    ],
    getUsageSeries: ({ from, to, maxPoints = 500 }) => {
      const start = Date.parse(from)
      const end = Date.parse(to)
      const inRange = all.filter((p) => {
        const t = Date.parse(p.at)
        return t >= start && t <= end
      })
      return {
        host: engine.host,
        resolution: end - start > 30 * DAY ? 'hourly' : 'raw',
        points: downsample(inRange, maxPoints),
      }
    },
    // No sample in the log: this page waits for getDiskUsage (first-paint.mjs measures the other).
    getLatestUsage: () => null,
    getLogStatus: () => ({
      path: null,
      status: 'ok',
      error: null,
      movedAsideTo: null,
      recoveryPending: null,
    }),
    getMonitorState: () => ({ active: [], snoozedUntil: null, lastCheckAt: at }),
    snoozeAlerts: () => ({ active: [], snoozedUntil: null, lastCheckAt: at }),
  }
}

/** Throws, naming each stub whose answer the contract's response schema refuses. */
export async function checkStubs(handlers) {
  const dir = await mkdtemp(join(tmpdir(), 'drydock-ui-dashboard-'))
  try {
    const file = join(dir, 'validation.mjs')
    await build({
      input: join(REPO, 'src/shared/validation.ts'),
      platform: 'node',
      logLevel: 'silent',
      output: { file, format: 'esm' },
    })
    const { parseRequest, parseResponse } = await import(pathToFileURL(file).href)
    const now = Date.now()
    const requests = {
      getUsageSeries: {
        from: new Date(now - 90 * DAY).toISOString(),
        to: new Date(now).toISOString(),
      },
      snoozeAlerts: { until: null },
    }
    const broken = []
    for (const [method, handler] of Object.entries(handlers)) {
      const checked = parseResponse(method, handler(parseRequest(method, requests[method] ?? {})))
      if (!checked.ok) broken.push(`${method}: ${checked.summary}`)
    }
    if (broken.length > 0) throw new Error(`stubs outside the contract:\n  ${broken.join('\n  ')}`)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

// --- server -----------------------------------------------------------------------------------

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
}

export async function startServer(handlers = stubHandlers()) {
  // Methods the page asked for that have no stub: named if the page never gets ready.
  const unstubbed = new Set()
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1')
    if (url.pathname.startsWith('/api/call/')) {
      let body = ''
      for await (const chunk of req) body += chunk
      const method = url.pathname.slice('/api/call/'.length)
      const handler = handlers[method]
      if (!handler) unstubbed.add(method)
      const envelope = handler
        ? { ok: true, value: handler(JSON.parse(body || '{}')) }
        : { ok: false, error: { code: 'unknown-method', message: `no stub for ${method}` } }
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify(envelope))
      return
    }
    if (url.pathname === '/api/events') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' })
      res.write(': bench\n\n')
      return
    }
    const path = normalize(join(RENDERER, url.pathname === '/' ? 'index.html' : url.pathname))
    if (!path.startsWith(RENDERER + sep) && path !== join(RENDERER, 'index.html')) {
      res.writeHead(403).end()
      return
    }
    try {
      const data = await readFile(path)
      res.writeHead(200, { 'Content-Type': MIME[extname(path)] ?? 'application/octet-stream' })
      res.end(data)
    } catch {
      res.writeHead(404).end()
    }
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  return {
    origin: `http://127.0.0.1:${port}`,
    unstubbed,
    close: () => {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(resolve))
    },
  }
}

// --- in-page measurement ----------------------------------------------------------------------

/* global window, document, requestAnimationFrame, MutationObserver -- these functions run in
   the page, not in Node. */

/** Runs in the page before its scripts: timestamps for the series' arrival and the chart. */
export function instrument() {
  const marks = {
    seriesArrived: null,
    chartPainted: null,
    clickedAt: null,
    longest: 0,
    ready: null,
  }
  window.__bench = marks
  const fetchOriginal = window.fetch.bind(window)
  window.fetch = async (input, init) => {
    const response = await fetchOriginal(input, init)
    if (String(input).endsWith('/api/call/getUsageSeries')) {
      // Read the whole body here, so "arrived" means every byte of the 500 points is in.
      const text = await response.text()
      marks.seriesArrived = performance.now()
      return new Response(text, { status: response.status, headers: response.headers })
    }
    return response
  }
  // A tab click, timed in the page (Playwright's own click overhead is not the page's).
  document.addEventListener(
    'click',
    (event) => {
      if (event.target.closest?.('[role="tab"]')) marks.clickedAt = performance.now()
    },
    true,
  )
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) marks.longest = Math.max(marks.longest, entry.duration)
  }).observe({ type: 'longtask', buffered: true })
  const chartDrawn = () =>
    document.querySelectorAll('[data-testid="usage-trend-chart"] .recharts-area-area').length >= 4
  const allReady = () =>
    chartDrawn() &&
    document.querySelector('[data-testid="usage-images-bytes"]') &&
    document.querySelector('[data-testid="reclaimable-images"]') &&
    document.querySelector('[data-testid="top-image"]') &&
    document.querySelector('[data-testid="last-cleanup-reclaimed"]')
  // The frame after the DOM change is the one that paints it.
  new MutationObserver(() => {
    if (marks.chartPainted === null && marks.seriesArrived !== null && chartDrawn()) {
      marks.chartPainted = -1
      requestAnimationFrame(() => setTimeout(() => (marks.chartPainted = performance.now()), 0))
    }
    if (marks.ready === null && allReady()) {
      marks.ready = -1
      requestAnimationFrame(() => setTimeout(() => (marks.ready = performance.now()), 0))
    }
  }).observe(document, { childList: true, subtree: true })
}

/** What the page lacks when it never gets ready: each condition, its errors, unstubbed calls. */
async function whyNotReady(page, errors, server) {
  const state = await page.evaluate(() => {
    const count = (selector) => document.querySelectorAll(selector).length
    return {
      marks: window.__bench,
      chartAreas: count('[data-testid="usage-trend-chart"] .recharts-area-area'),
      imagesBytes: count('[data-testid="usage-images-bytes"]'),
      reclaimableImages: count('[data-testid="reclaimable-images"]'),
      topImage: count('[data-testid="top-image"]'),
      lastCleanupReclaimed: count('[data-testid="last-cleanup-reclaimed"]'),
    }
  })
  return `the dashboard never got ready: ${JSON.stringify(state)}; page errors: ${
    errors.join(' | ') || 'none'
  }; calls with no stub: ${[...server.unstubbed].join(', ') || 'none'}`
}

async function oneLoad(browser, server, hash) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  const errors = []
  page.on('pageerror', (error) => errors.push(error.message))
  await page.addInitScript(instrument)
  await page.goto(`${server.origin}/?token=bench${hash}`)
  try {
    await page.waitForFunction(
      () => window.__bench.chartPainted > 0 && window.__bench.ready > 0,
      null,
      { timeout: 30_000 },
    )
  } catch (error) {
    throw new Error(await whyNotReady(page, errors, server), { cause: error })
  }
  const marks = await page.evaluate(() => window.__bench)
  return { page, marks }
}

export async function measure(reps) {
  const handlers = stubHandlers()
  await checkStubs(handlers)
  const server = await startServer(handlers)
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  })
  const loads = []
  const switches = []
  try {
    // One warm-up load: the first start of Chromium's caches is not the dashboard's cost.
    await (await oneLoad(browser, server, '#/dashboard?range=90d')).page.close()
    for (let i = 0; i < reps; i += 1) {
      const { page, marks } = await oneLoad(browser, server, '#/dashboard?range=90d')
      loads.push({
        seriesToChart: marks.chartPainted - marks.seriesArrived,
        pageReady: marks.ready,
        longestTask: marks.longest,
      })
      await page.close()

      // The same 90 days reached by the tab, from a page already showing 24 hours.
      const start = await oneLoad(browser, server, '#/dashboard')
      const tab = start.page.getByRole('tab', { name: '90 d' })
      await start.page.evaluate(() => {
        window.__bench.chartPainted = null
        window.__bench.seriesArrived = null
        window.__bench.longest = 0
      })
      await tab.click()
      await start.page.waitForFunction(() => window.__bench.chartPainted > 0, null, {
        timeout: 30_000,
      })
      const after = await start.page.evaluate(() => ({
        ...window.__bench,
        points: Number(document.querySelector('[data-testid="usage-trend-chart"]').dataset.points),
      }))
      switches.push({
        clickToChart: after.chartPainted - after.clickedAt,
        seriesToChart: after.chartPainted - after.seriesArrived,
        longestTask: after.longest,
        points: after.points,
      })
      await start.page.close()
    }
  } finally {
    await browser.close()
    await server.close()
  }
  return { loads, switches }
}

// --- bundle -----------------------------------------------------------------------------------

export async function bundle() {
  const dir = join(RENDERER, 'assets')
  const files = []
  for (const name of (await readdir(dir)).sort()) {
    const data = await readFile(join(dir, name))
    files.push({ name, bytes: data.length, gzipBytes: gzipSync(data, { level: 9 }).length })
  }
  const index = await stat(join(RENDERER, 'index.html'))
  return { files, indexHtmlBytes: index.size }
}

// --- report -----------------------------------------------------------------------------------

const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
  return { median, min: sorted[0], max: sorted.at(-1) }
}
const ms = (value) => `${value.toFixed(1)} ms`
const kb = (bytes) => `${(bytes / 1000).toFixed(1)} kB`

async function main() {
  const { values } = parseArgs({
    options: { reps: { type: 'string', default: '7' }, json: { type: 'boolean', default: false } },
  })
  const reps = Number(values.reps)
  try {
    await stat(join(RENDERER, 'index.html'))
  } catch {
    console.error(`ui-dashboard: ${RENDERER} is missing; run npm run build first`)
    process.exit(1)
  }
  const { loads, switches } = await measure(reps)
  const sizes = await bundle()
  const figures = {
    reps,
    targetMs: TARGET_MS,
    points: switches[0]?.points ?? null,
    load: {
      seriesToChart: stats(loads.map((l) => l.seriesToChart)),
      pageReady: stats(loads.map((l) => l.pageReady)),
      longestTask: stats(loads.map((l) => l.longestTask)),
    },
    tabSwitch: {
      clickToChart: stats(switches.map((s) => s.clickToChart)),
      seriesToChart: stats(switches.map((s) => s.seriesToChart)),
      longestTask: stats(switches.map((s) => s.longestTask)),
    },
    bundle: sizes,
  }
  await mkdir(join(REPO, 'artifacts/bench'), { recursive: true })
  await writeFile(
    join(REPO, 'artifacts/bench/ui-dashboard.json'),
    `${JSON.stringify(figures, null, 2)}\n`,
  )
  if (values.json) {
    console.log(JSON.stringify(figures, null, 2))
    return
  }

  const row = (label, s, target = false) =>
    `  ${label.padEnd(34)} ${ms(s.median).padStart(10)} ${ms(s.min).padStart(10)} ${ms(s.max).padStart(10)}${
      target ? `   ${s.median < TARGET_MS ? 'OK' : 'OVER'} (target < ${TARGET_MS} ms)` : ''
    }`
  console.log(
    `Dashboard with 90 days of samples (${figures.points} points, ${reps} loads, stub data)`,
  )
  console.log(
    `  machine: ${cpus().length} CPUs, load average ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')} (figures move with it)`,
  )
  console.log(
    `  ${''.padEnd(34)} ${'median'.padStart(10)} ${'min'.padStart(10)} ${'max'.padStart(10)}`,
  )
  console.log(row('series received -> chart painted', figures.load.seriesToChart, true))
  console.log(row('navigation -> every card painted', figures.load.pageReady))
  console.log(row('longest main-thread task (load)', figures.load.longestTask))
  console.log(row('click "90 d" -> chart painted', figures.tabSwitch.clickToChart, true))
  console.log(row('  of which series -> chart', figures.tabSwitch.seriesToChart))
  console.log(row('longest main-thread task (tab)', figures.tabSwitch.longestTask))
  console.log('')
  console.log('Production renderer bundle (out/renderer/assets)')
  let total = 0
  let totalGzip = 0
  for (const file of sizes.files) {
    total += file.bytes
    totalGzip += file.gzipBytes
    console.log(
      `  ${file.name.padEnd(40)} ${kb(file.bytes).padStart(10)} ${kb(file.gzipBytes).padStart(10)} gzip`,
    )
  }
  console.log(
    `  ${'total'.padEnd(40)} ${kb(total).padStart(10)} ${kb(totalGzip).padStart(10)} gzip`,
  )
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main()
