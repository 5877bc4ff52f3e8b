/**
 * Browser mode: the contract over HTTP on loopback, for end-to-end tests and headless hosts (over
 * an SSH tunnel). Calls are `POST /api/call/<method>` with a JSON body and a bearer token; events
 * are server-sent at `GET /api/events?token=`. Every request must name this server as its Host
 * (against DNS rebinding) and, when the browser sends an Origin, this server's own origin.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, sep } from 'node:path'
import type { DrydockHandlers, EventSource } from '../shared/contract'
import { type Envelope, type ErrorCode, errorMessage } from '../shared/errors'
import { createDispatcher } from '../core/dispatch'
import { type FirstFrame, PRELOADED_METHODS, preloadedElement } from '../shared/preloaded'
import {
  FIRST_FRAME_SCRIPT,
  linkedStylesheets,
  type PageWithFirstFrame,
  pageWithFirstFrame,
} from './first-frame-page'
import { CONTENT_SECURITY_POLICY } from '../shared/security'

export interface WebServerOptions {
  service: DrydockHandlers & EventSource
  /** The built renderer (out/renderer). */
  rendererDir: string
  /** 0 picks a free port. */
  port?: number
  /** Fixed token for tests; a random one per start otherwise. */
  token?: string
  /**
   * Renders the page's first frame into it (src/renderer/src/first-frame.tsx), so the browser
   * paints the figures before the app's code has run; without it the page is the app alone.
   */
  firstFrame?: FirstFrame
  /**
   * Called when a page that came with its first frame asks for the app's code: its first calls
   * follow within a few hundred milliseconds, and what the engine takes seconds to answer (the
   * dashboard's disk usage) can be asked for now.
   */
  onAppLoading?: () => void
}

export interface WebServer {
  /** The URL to open, token included. */
  url: string
  origin: string
  token: string
  close(): Promise<void>
}

const MAX_BODY_BYTES = 1024 * 1024
const HEARTBEAT_MS = 15_000

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
}

const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  'invalid-request': 400,
  'invalid-host': 400,
  'unknown-method': 404,
  unauthorized: 401,
  'untrusted-sender': 403,
  'engine-unreachable': 503,
  'engine-error': 502,
  'log-unusable': 500,
  'not-found': 404,
  internal: 500,
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  })
  res.end(text)
}

function refuse(res: ServerResponse, status: number, code: ErrorCode, message: string): void {
  const envelope: Envelope<never> = { ok: false, error: { code, message } }
  sendJson(res, status, envelope)
}

function sameSecret(given: string | null | undefined, token: string): boolean {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** A body over MAX_BODY_BYTES: said as such, not as a JSON error. */
class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge('The request body is larger than 1 MB.')
    chunks.push(chunk)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  return text.trim() === '' ? undefined : (JSON.parse(text) as unknown)
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? randomBytes(24).toString('base64url')
  const dispatch = createDispatcher(options.service)
  const rendererDir = normalize(options.rendererDir)
  let allowedHosts: Set<string> = new Set()
  let allowedOrigins: Set<string> = new Set()
  const openStreams = new Set<ServerResponse>()

  /**
   * The last page with a first frame, by its answers (they change with a new sample) and the
   * minute (the frame says how old the sample is).
   */
  let lastFrame: { key: string; page: PageWithFirstFrame | null } | null = null
  /** The entry module a page with a frame was just sent with (`onAppLoading`), for 10 s. */
  let appLoadingArmed: { entry: string; until: number } | null = null

  async function firstFramePage(html: string, answers: Record<string, unknown>) {
    const frame = options.firstFrame
    if (!frame) return null
    const key = `${Math.floor(Date.now() / 60_000)}\n${JSON.stringify(answers)}\n${html}`
    if (lastFrame?.key !== key) {
      let page: PageWithFirstFrame | null = null
      try {
        // Without its loader the frame would stay, inert, and the app never load.
        await stat(join(rendererDir, FIRST_FRAME_SCRIPT))
        const sheets = await ownStylesheets(html)
        const markup = frame.render(answers)
        page = pageWithFirstFrame(html, markup, frame.route, CONTENT_SECURITY_POLICY, sheets)
      } catch {
        // A frame that cannot render, or a build without the loader, leaves the page to the
        // app, as without a frame.
      }
      lastFrame = { key, page }
    }
    return lastFrame.page
  }

  /** The page's own stylesheets, to put in it: one request fewer before the first paint. */
  async function ownStylesheets(html: string): Promise<Map<string, string>> {
    const sheets = new Map<string, string>()
    for (const href of linkedStylesheets(html)) {
      const file = normalize(join(rendererDir, href))
      if (!file.startsWith(rendererDir + sep)) continue
      const text = await readFile(file, 'utf8')
      if (!/<\/style/i.test(text)) sheets.set(href, text)
    }
    return sheets
  }

  /**
   * index.html with the preloaded answers (src/shared/preloaded.ts) in its head, and the first
   * frame they make in its body, with the policy it is served under.
   */
  async function appPage(
    file: Buffer,
  ): Promise<{ body: Buffer; policy: string; entry: string | null }> {
    const answers: Record<string, unknown> = {}
    for (const method of PRELOADED_METHODS) answers[method] = await dispatch(method, {})
    const source = file.toString('utf8')
    const page = await firstFramePage(source, answers)
    const text = page?.html ?? source
    const policy = page?.contentSecurityPolicy ?? CONTENT_SECURITY_POLICY
    const at = text.indexOf('</head>')
    if (at < 0) return { body: file, policy, entry: null }
    const body = Buffer.from(`${text.slice(0, at)}${preloadedElement(answers)}\n${text.slice(at)}`)
    return { body, policy, entry: page?.entry ?? null }
  }

  async function serveStatic(
    pathname: string,
    res: ServerResponse,
    withToken: boolean,
  ): Promise<void> {
    // Only for the page served with the token, once, and soon after: the entry's name is public,
    // and any other request for it must not make the engine work.
    if (
      appLoadingArmed &&
      pathname === appLoadingArmed.entry &&
      Date.now() < appLoadingArmed.until
    ) {
      appLoadingArmed = null
      options.onAppLoading?.()
    }
    const relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname.slice(1))
    const file = normalize(join(rendererDir, relative))
    if (!file.startsWith(rendererDir + sep)) return refuse(res, 404, 'internal', 'Not found.')
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file')
      const html = extname(file) === '.html'
      // Answers only for the page opened with the token: the files themselves are public.
      const page = html && withToken ? await appPage(await readFile(file)) : null
      if (page?.entry) {
        appLoadingArmed = { entry: page.entry.replace(/^\./, ''), until: Date.now() + 10_000 }
      }
      const body = page?.body ?? (await readFile(file))
      const headers: Record<string, string> = {
        'Content-Type': MIME_TYPES[extname(file)] ?? 'application/octet-stream',
        'Content-Length': String(body.length),
        'X-Content-Type-Options': 'nosniff',
      }
      if (html) {
        headers['Content-Security-Policy'] = page?.policy ?? CONTENT_SECURITY_POLICY
        // The page URL carries the token: keep it out of Referer headers and caches.
        headers['Referrer-Policy'] = 'no-referrer'
        headers['Cache-Control'] = 'no-store'
      }
      res.writeHead(200, headers)
      res.end(body)
    } catch {
      refuse(res, 404, 'internal', `Not found: ${pathname}`)
    }
  }

  function openEventStream(res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    })
    res.write(': connected\n\n')
    openStreams.add(res)
    const unsubscribe = options.service.subscribe((event) => {
      res.write(`data: ${JSON.stringify(event)}\n\n`)
    })
    // A browser re-opens a dropped stream by itself; the current state lets the page re-sync.
    void options.service.getConnection({}).then((state) => {
      if (!res.writableEnded)
        res.write(`data: ${JSON.stringify({ name: 'connection', payload: state })}\n\n`)
    })
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS)
    res.on('close', () => {
      clearInterval(heartbeat)
      unsubscribe()
      openStreams.delete(res)
    })
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!allowedHosts.has(req.headers.host ?? '')) {
      return refuse(
        res,
        403,
        'unauthorized',
        'This server answers only to its own loopback address.',
      )
    }
    const origin = req.headers.origin
    if (origin !== undefined && !allowedOrigins.has(origin)) {
      return refuse(res, 403, 'unauthorized', `Requests from ${origin} are not allowed.`)
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')

    if (!url.pathname.startsWith('/api/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return refuse(res, 405, 'invalid-request', 'Only GET is allowed here.')
      }
      return serveStatic(url.pathname, res, sameSecret(url.searchParams.get('token'), token))
    }

    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
    if (!sameSecret(bearer ?? url.searchParams.get('token'), token)) {
      return refuse(res, 401, 'unauthorized', 'A valid token is required.')
    }
    if (url.pathname === '/api/events' && req.method === 'GET') return openEventStream(res)

    const method = /^\/api\/call\/([A-Za-z]+)$/.exec(url.pathname)?.[1]
    if (!method || req.method !== 'POST') {
      return refuse(res, 404, 'unknown-method', `No API endpoint at ${req.method} ${url.pathname}.`)
    }
    let payload: unknown
    try {
      payload = await readBody(req)
    } catch (error) {
      const message = errorMessage(error)
      if (error instanceof BodyTooLarge) return refuse(res, 400, 'invalid-request', message)
      return refuse(res, 400, 'invalid-request', `The request body is not valid JSON: ${message}`)
    }
    const envelope = await dispatch(method, payload)
    sendJson(res, envelope.ok ? 200 : (STATUS_BY_CODE[envelope.error.code] ?? 500), envelope)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) refuse(res, 500, 'internal', String(error))
      else res.end()
    })
  })

  // The first frame rendered once before serving: the first page then comes from the cache, or
  // at least from compiled code (its first render took ~20 ms, later ones 1-6 ms).
  if (options.firstFrame) {
    await readFile(join(rendererDir, 'index.html'))
      .then(appPage)
      .catch(() => undefined)
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`])
  allowedOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`])
  const origin = `http://127.0.0.1:${port}`

  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const stream of openStreams) stream.end()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
