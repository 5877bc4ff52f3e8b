/**
 * 1,000 generated payloads, valid and invalid, for every contract method, against browser mode
 * (`drydock serve` over HTTP, with raw requests too: non-JSON bodies, missing or wrong tokens,
 * foreign hosts and origins, bodies over 1 MB) and against the IPC dispatcher as the Electron
 * shell registers it (registerIpcHandlers with a stand-in ipcMain; values only IPC can carry:
 * dates, maps, big integers, cycles). A real service on a private engine, temporary logs.
 * No crash, no 500; every invalid payload a typed 400 (`invalid-request`), an unknown method a
 * typed 404 (`unknown-method`); every valid one 200 with an envelope, or a typed error from the
 * engine or the service (never `internal`).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { channelFor, isMethodName } from '../../src/shared/channels'
import { ERROR_CODES, type ErrorCode } from '../../src/shared/errors'
import { DrydockService } from '../../src/core/service'
import { registerIpcHandlers, type IpcMainLike } from '../../src/main/shell/ipc'
import type { FrameLike } from '../../src/main/shell/sender'
import { loadImages } from '../support/image-archive'
import { startPrivateEngine, type PrivateEngine } from '../support/private-engine'
import { generateCases, isValid, type FuzzCase } from './payloads'
import { startServe, type HttpAnswer, type RawRequest, type Serve } from './serve'
import { FaultTable, requireFaultEnvironment, SEED, seededRandom } from './support'

const env = await requireFaultEnvironment()
const COUNT = 1000
const CONCURRENCY = 8
const table = new FaultTable('1,000 generated payloads against browser mode and IPC')

/** What browser mode answers each typed error with (src/web/server.ts). */
const STATUS: Partial<Record<ErrorCode, number>> = {
  'invalid-request': 400,
  'invalid-host': 400,
  'unknown-method': 404,
  unauthorized: 401,
  'engine-unreachable': 503,
  'engine-error': 502,
  'not-found': 404,
}

type Envelope =
  { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } }

function isEnvelope(body: unknown): body is Envelope {
  if (typeof body !== 'object' || body === null) return false
  const e = body as Record<string, unknown>
  if (e.ok === true) return 'value' in e
  if (e.ok !== false || typeof e.error !== 'object' || e.error === null) return false
  const error = e.error as Record<string, unknown>
  return (
    (ERROR_CODES as readonly string[]).includes(error.code as string) &&
    typeof error.message === 'string'
  )
}

/** What a case must get; null when it held, else what went wrong. */
function judge(
  fuzz: FuzzCase,
  answer: { status?: number; body: unknown },
  expected?: { code: ErrorCode; status: number; message?: RegExp },
): string | null {
  const { status, body } = answer
  if (status === 500) return `HTTP 500: ${JSON.stringify(body).slice(0, 200)}`
  if (!isEnvelope(body)) return `not an envelope: ${JSON.stringify(body)?.slice(0, 200)}`
  const code = body.ok ? null : body.error.code
  const message = body.ok ? '' : body.error.message
  if (code === 'internal' || code === 'log-unusable') {
    return `${code}: ${(body as { error: { message: string } }).error.message.slice(0, 300)}`
  }
  if (expected) {
    if (code !== expected.code) return `expected ${expected.code}, got ${code ?? 'ok'}`
    if (expected.message && !expected.message.test(message)) return `message: ${message}`
    if (status !== undefined && status !== expected.status) {
      return `expected HTTP ${expected.status}, got ${status}`
    }
    return null
  }
  if (!fuzz.valid) {
    const want = isMethodName(fuzz.method) ? 'invalid-request' : 'unknown-method'
    if (code !== want) return `invalid payload answered ${code ?? 'ok'}, not ${want}`
    if (status !== undefined && status !== STATUS[want]) return `${want} with HTTP ${status}`
    return null
  }
  if (body.ok) return status === undefined || status === 200 ? null : `ok with HTTP ${status}`
  if (status !== undefined && status !== STATUS[code as ErrorCode]) {
    return `${code} with HTTP ${status}`
  }
  return null
}

async function inBatches<T>(items: T[], limit: number, task: (item: T) => Promise<void>) {
  let next = 0
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await task(items[next++]!)
    }),
  )
}

/** Counts of a list of labels, as `3 a, 2 b`. */
function tally(labels: string[]): string {
  const counts = new Map<string, number>()
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1)
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([label, n]) => `${n} ${label}`)
    .join(', ')
}

// --- raw HTTP variants --------------------------------------------------------------------------

interface RawVariant {
  name: string
  request: (serve: Serve, fuzz: FuzzCase) => RawRequest
  /** The typed error it must get; undefined: judged as the case's payload. */
  expected?: { code: ErrorCode; status: number; message?: RegExp }
  /** The body is what is wrong: a path that names no method is refused before it is read. */
  aboutBody?: boolean
}

/** A path that names no method is a 404 before its body is read (src/web/server.ts). */
function expectedOf(variant: RawVariant, fuzz: FuzzCase) {
  if (variant.aboutBody && !/^[A-Za-z]+$/.test(fuzz.method)) {
    return { code: 'unknown-method' as const, status: 404 }
  }
  return variant.expected
}

const json = (serve: Serve, extra: Record<string, string> = {}) => ({
  Authorization: `Bearer ${serve.token}`,
  'Content-Type': 'application/json',
  ...extra,
})

const RAW_VARIANTS: RawVariant[] = [
  {
    name: 'non-JSON body',
    aboutBody: true,
    request: (serve, fuzz) => ({
      path: `/api/call/${fuzz.method}`,
      headers: json(serve),
      body: pickText(fuzz),
    }),
    expected: {
      code: 'invalid-request',
      status: 400,
      message: /^The request body is not valid JSON/,
    },
  },
  {
    name: 'truncated JSON',
    aboutBody: true,
    request: (serve, fuzz) => ({
      path: `/api/call/${fuzz.method}`,
      headers: json(serve),
      body: (JSON.stringify(fuzz.payload ?? {}) ?? '{}').slice(0, -1) || '{',
    }),
    expected: { code: 'invalid-request', status: 400 },
  },
  {
    name: 'no token',
    request: (_serve, fuzz) => ({
      path: `/api/call/${fuzz.method}`,
      headers: { 'Content-Type': 'application/json' },
      body: bodyOf(fuzz),
    }),
    expected: { code: 'unauthorized', status: 401 },
  },
  {
    name: 'wrong token',
    request: (serve, fuzz) => ({
      path: `/api/call/${fuzz.method}`,
      headers: json(serve, { Authorization: `Bearer ${serve.token.slice(1)}x` }),
      body: bodyOf(fuzz),
    }),
    expected: { code: 'unauthorized', status: 401 },
  },
  {
    name: 'foreign Host',
    request: (serve, fuzz) => ({
      path: `/api/call/${fuzz.method}`,
      headers: json(serve, { Host: 'evil.example:80' }),
      body: bodyOf(fuzz),
    }),
    expected: { code: 'unauthorized', status: 403 },
  },
  {
    name: 'foreign Origin',
    request: (serve, fuzz) => ({
      path: `/api/call/${fuzz.method}`,
      headers: json(serve, { Origin: 'https://evil.example' }),
      body: bodyOf(fuzz),
    }),
    expected: { code: 'unauthorized', status: 403 },
  },
  {
    name: 'GET instead of POST',
    request: (serve, fuzz) => ({
      method: 'GET',
      path: `/api/call/${fuzz.method}`,
      headers: json(serve),
    }),
    expected: { code: 'unknown-method', status: 404 },
  },
  {
    name: 'body over 1 MB',
    aboutBody: true,
    request: (serve, fuzz) => ({
      path: `/api/call/${fuzz.method}`,
      headers: json(serve),
      body: JSON.stringify({ padding: 'p'.repeat(1_200_000) }),
    }),
    expected: {
      code: 'invalid-request',
      status: 400,
      message: /^The request body is larger than 1 MB\.$/,
    },
  },
  {
    name: 'token in the query',
    request: (serve, fuzz) => ({
      path: `/api/call/${fuzz.method}?token=${encodeURIComponent(serve.token)}`,
      headers: { 'Content-Type': 'text/plain' },
      body: bodyOf(fuzz),
    }),
  },
]

/** The payload as the page sends it (no payload: an empty body, read as `{}`). */
function bodyOf(fuzz: FuzzCase): string {
  return fuzz.payload === undefined ? '' : JSON.stringify(fuzz.payload)
}

function pickText(fuzz: FuzzCase): string {
  const texts = ['not json', '{a:1}', "{'single':1}", '\u0000\u0001', '[1,2,', 'undefined', 'NaN']
  return texts[fuzz.method.length % texts.length]!
}

// --- values only IPC carries --------------------------------------------------------------------

function ipcOnlyValue(index: number): unknown {
  const cyclic: Record<string, unknown> = { a: 1 }
  cyclic.self = cyclic
  const values: unknown[] = [
    undefined,
    new Date(0),
    new Map([['limit', 5]]),
    new Set([1, 2]),
    10n,
    new Uint8Array([1, 2, 3]),
    cyclic,
    { limit: Number.NaN },
    { limit: -0 },
    { until: new Date() },
    // A sparse array (holes cross IPC as holes).
    Object.assign(new Array(3), { 2: 1 }) as unknown[],
    /regex/,
  ]
  return values[index % values.length]
}

type Handler = (event: { senderFrame: FrameLike | null }, payload: unknown) => Promise<unknown>

class StandInIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Handler>()
  handle(channel: string, listener: Handler): void {
    this.handlers.set(channel, listener)
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  }
}

describe.skipIf(env.skip)('1,000 generated payloads against browser mode and IPC', () => {
  let engine: PrivateEngine
  let work: string
  let serve: Serve
  let service: DrydockService
  let unregister: () => void
  const ipcMain = new StandInIpcMain()
  const trusted: FrameLike = { url: 'file:///drydock/renderer/index.html', parent: null }

  beforeAll(async () => {
    engine = await startPrivateEngine('faults-fuzz')
    work = mkdtempSync(join(tmpdir(), 'drydock-faults-fuzz-'))
    await loadImages(engine.docker, [
      ...['a', 'b', 'c'].map((name, index) => ({
        tags: [`fuzz/${name}:1`],
        created: '2024-01-01T00:00:00Z',
        layers: [{ files: { [`/${name}`]: { size: 2048, seed: index } } }],
      })),
      { tags: [], created: '2023-01-01T00:00:00Z', layers: [{ files: { '/d': 'dangling' } }] },
    ])
    serve = await startServe(engine.host, join(work, 'serve.sqlite'))
    service = new DrydockService({
      host: engine.host,
      env: {},
      transport: 'ipc',
      version: 'fuzz',
      databasePath: join(work, 'ipc.sqlite'),
    })
    unregister = registerIpcHandlers(ipcMain, service, (frame) => frame === trusted)
  }, 300_000)

  afterAll(async () => {
    table.print()
    unregister?.()
    await service?.cleanups.settle()
    service?.close()
    await serve?.stop()
    await engine?.stop()
    if (work) rmSync(work, { recursive: true, force: true })
  }, 120_000)

  const hosts = () => ({ engine: engine.host, nowhere: 'unix:///nonexistent/drydock-fuzz.sock' })

  it('browser mode: no crash, no 500, every invalid payload a typed 400', async () => {
    const random = seededRandom(SEED)
    const cases = generateCases(COUNT, random, hosts())
    const failures: string[] = []
    const kinds: string[] = []
    const statuses: string[] = []
    const started = performance.now()
    await inBatches(
      cases.map((fuzz, index) => ({ fuzz, index, roll: random() })),
      CONCURRENCY,
      async ({ fuzz, index, roll }) => {
        const variant = roll < 0.15 ? RAW_VARIANTS[index % RAW_VARIANTS.length] : undefined
        let answer: HttpAnswer
        try {
          answer = variant
            ? await serve.raw({ ...variant.request(serve, fuzz), timeoutMs: 60_000 })
            : await serve.call(fuzz.method, fuzz.payload)
        } catch (error) {
          failures.push(
            `#${index} ${fuzz.method} (${variant?.name ?? fuzz.origin}): ${String(error)}`,
          )
          return
        }
        // `token in the query` sends the same payload as a plain call.
        const expected = variant ? expectedOf(variant, fuzz) : undefined
        const judged = expected ? judge(fuzz, answer, expected) : judge(fuzz, answer)
        kinds.push(
          variant ? `raw: ${variant.name}` : fuzz.valid ? 'valid' : `invalid (${fuzz.origin})`,
        )
        statuses.push(String(answer.status))
        if (judged) {
          failures.push(
            `#${index} ${fuzz.method} (${variant?.name ?? fuzz.origin}, ${fuzz.valid ? 'valid' : 'invalid'}): ${judged}`,
          )
        }
      },
    )
    const crashed = serve.crashed()
    const alive = crashed ? null : await serve.call('getAppInfo', {})
    // Whatever the fuzz stored in Settings, the pages still load.
    const images = crashed ? null : await serve.call('listImages', {})
    const held =
      failures.length === 0 && crashed === null && alive?.status === 200 && images?.status === 200
    table.check(
      `browser mode: ${COUNT} requests over ${new Set(cases.map((c) => c.method)).size} method names`,
      held,
      `${tally(statuses.map((s) => `HTTP ${s}`))}; ${failures.length} wrong` +
        (crashed
          ? `; CRASHED (${crashed.code ?? crashed.signal}): ${crashed.stderr.slice(0, 200)}`
          : '') +
        (failures[0] ? `; first: ${failures[0]}` : ''),
      performance.now() - started,
    )
    table.add({
      scenario: 'browser mode: what was sent',
      held,
      outcome: tally(kinds),
    })
    expect(crashed, crashed?.stderr).toBeNull()
    expect(failures).toEqual([])
    expect(alive?.status).toBe(200)
    expect(images?.status, images?.text.slice(0, 300)).toBe(200)
  })

  it('a protected pattern too long to match is refused, not stored (found by this fuzz)', async () => {
    // Over ~50,000 characters a glob's RegExp is "too large" when it runs: saved in Settings, it
    // made every plan, image list and reclaimable figure fail with an internal error (HTTP 500).
    const long = `drydock-fuzz/${'h'.repeat(60_000)}`
    const saved = await serve.call('updateSettings', { protectedPatterns: [long] })
    const planned = await serve.call('planCleanup', { dangling: true, protect: [long] })
    const images = await serve.call('listImages', {})
    const held =
      saved.status === 400 &&
      planned.status === 400 &&
      images.status === 200 &&
      [saved, planned].every(
        (answer) =>
          (answer.body as { error?: { code?: string } }).error?.code === 'invalid-request',
      )
    table.check(
      'a 60,000-character protected pattern (Settings, plan)',
      held,
      `updateSettings HTTP ${saved.status}, planCleanup HTTP ${planned.status}, then listImages HTTP ${images.status}`,
    )
    expect(saved.body).toMatchObject({ ok: false, error: { code: 'invalid-request' } })
    expect(planned.body).toMatchObject({ ok: false, error: { code: 'invalid-request' } })
    expect(images.status).toBe(200)
  })

  it('IPC dispatcher: no throw, every answer an envelope, every invalid payload typed', async () => {
    const random = seededRandom(SEED + 1)
    const cases = generateCases(COUNT, random, hosts())
    const failures: string[] = []
    const kinds: string[] = []
    const codes: string[] = []
    const started = performance.now()
    await inBatches(
      cases.map((fuzz, index) => ({ fuzz, index, roll: random() })),
      CONCURRENCY,
      async ({ fuzz, index, roll }) => {
        // An unknown method has no IPC channel: the renderer cannot name one. Those cases, and
        // a share of the others, send what only IPC can carry to a real method instead.
        const method = isMethodName(fuzz.method) ? fuzz.method : 'listRuns'
        const ipcOnly = roll < 0.1 || !isMethodName(fuzz.method)
        const untrusted = !ipcOnly && roll > 0.97
        const payload = ipcOnly ? ipcOnlyValue(index) : fuzz.payload
        const valid = ipcOnly ? isValid(method, payload) : fuzz.valid
        const handler = ipcMain.handlers.get(channelFor(method))!
        let answer: unknown
        try {
          answer = await handler({ senderFrame: untrusted ? null : trusted }, payload)
        } catch (error) {
          failures.push(`#${index} ${method}: threw ${String(error)}`)
          return
        }
        kinds.push(
          untrusted
            ? 'untrusted frame'
            : ipcOnly
              ? 'IPC-only value'
              : valid
                ? 'valid'
                : `invalid (${fuzz.origin})`,
        )
        codes.push(isEnvelope(answer) ? (answer.ok ? 'ok' : answer.error.code) : 'no envelope')
        const judged = untrusted
          ? judge(
              { ...fuzz, method, valid },
              { body: answer },
              { code: 'untrusted-sender', status: 0 },
            )
          : judge({ ...fuzz, method, valid, payload }, { body: answer })
        if (judged) {
          failures.push(`#${index} ${method} (${ipcOnly ? 'IPC-only' : fuzz.origin}): ${judged}`)
        }
      },
    )
    const held = failures.length === 0
    table.check(
      `IPC dispatcher: ${COUNT} calls`,
      held,
      `${tally(codes)}; ${failures.length} wrong` + (failures[0] ? `; first: ${failures[0]}` : ''),
      performance.now() - started,
    )
    table.add({ scenario: 'IPC dispatcher: what was sent', held, outcome: tally(kinds) })
    expect(failures).toEqual([])
  })
})
