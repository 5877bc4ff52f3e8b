/**
 * GETs by the thousand over a few kept-alive connections, pipelined: HTTP/1.1 lets a client write
 * several requests before the first answer arrives, and the server answers them in order. A cold
 * plan reads two small answers per image; sent one per round trip through node:http, the
 * client's CPU per request equalled the engine's, and on a 2-CPU machine the two compete for it.
 * Pipelined on a few connections the client spends about a fifth of that and the engine less too
 * (it reads several requests per wake-up): 4,000 requests in ~0.35 s instead of ~0.9 s
 * (docs/performance.md). Requests that arrive while connections are idle each get a connection of
 * their own, so a few big reads sent together (the lists) run side by side in the engine.
 *
 * GETs are idempotent: a connection that ends with answers outstanding sends them again on a new
 * one, once. The executor's deletes go through a pool of their own (`pipelinedRequester`): one at
 * a time per connection, never sent twice, never timed out (a delete takes what it takes), and a
 * connection lost under one rejects it as a transport failure (the run stops; reconcile.ts settles
 * it). An answer this parser does not understand closes its connection and turns pipelining off
 * for the rest of the getter's life (one request per connection at a time). Unix sockets, named
 * pipes and plain tcp; https hosts keep node:https (json-get.ts).
 */
import { connect, type Socket } from 'node:net'
import { engineRequestStarted, engineResponseEnded } from './engine-channel'
import type { ResolvedHost } from './host'
import { EngineHttpError } from './http-error'
import type { JsonGet, JsonRequest } from './json-get'
import { READ_TIMEOUT_MS, readTimeoutError } from './read-timeouts'

/** Connections per getter: the engine serves each one's requests in order, so a few in parallel
 * (and a small read sent while the lists are out does not wait behind them). */
const CONNECTIONS = 6
/** Requests written ahead on one connection. */
const DEPTH = 16
/** The deletes' pool: as many connections as the executor runs items side by side
 * (cleaner/executor.ts), one request each. */
const DELETE_CONNECTIONS = 8
/** An idle connection closes after this long (it never holds the process: it is unref'd). */
const IDLE_MS = 2_000
/** Socket inactivity limits, read by property: the Electron audit takes a bare identifier passed
 * to any `setTimeout` for possible code (it cannot tell a socket's from the global one). */
const SOCKET_LIMITS = { reading: READ_TIMEOUT_MS, idle: IDLE_MS } as const
/** A response head larger than this is not an engine's. */
const MAX_HEAD_BYTES = 64 * 1024

interface Pending {
  method: 'GET' | 'DELETE'
  path: string
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
  retried: boolean
  /** Resolve with the identity headers too (`getWithHeaders`). */
  headers?: boolean
}

/** The response headers that name the engine (engine-kind.ts: identityFromInfo), by lower-case
 * name: Docker and Podman send them on every answer, so `/info`'s tell what `/version` would. */
const IDENTITY_HEADERS = new Set(['server', 'api-version', 'libpod-api-version'])
export type IdentityHeaders = Partial<
  Record<'server' | 'api-version' | 'libpod-api-version', string>
>
/** What `getWithHeaders` resolves with. */
export interface WithHeaders {
  body: unknown
  headers: IdentityHeaders
}
/** Every answer nobody asked the headers of (the thousands of a cold plan) shares this one. */
const NO_HEADERS: IdentityHeaders = Object.freeze({})

interface Answer {
  status: number
  body: Buffer
  close: boolean
  headers: IdentityHeaders
}

class ProtocolError extends Error {}

const CRLF = Buffer.from('\r\n')
const HEAD_END = Buffer.from('\r\n\r\n')
const EMPTY = Buffer.alloc(0)

/**
 * Reads HTTP/1.1 responses from a byte stream, incrementally: Content-Length, chunked, or (with
 * `Connection: close`) to the end. Body bytes are sliced from the socket's chunks, never copied
 * until a response is whole.
 */
export class ResponseReader {
  private pending: Buffer = EMPTY
  private state: 'head' | 'length' | 'size' | 'data' | 'crlf' | 'trailer' | 'eof' = 'head'
  private status = 0
  private close = false
  private remaining = 0
  private parts: Buffer[] = []
  private headers: IdentityHeaders = {}

  /** `wantsHeaders`: whether the answer whose head comes next was asked with its headers. */
  constructor(
    private readonly emit: (answer: Answer) => void,
    private readonly wantsHeaders: () => boolean = () => false,
  ) {}

  /** Everything read so far belongs to a response not yet complete. */
  get idle(): boolean {
    return this.state === 'head' && this.pending.length === 0
  }

  push(chunk: Buffer): void {
    const data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk
    this.pending = EMPTY
    let at = 0
    for (;;) {
      if (this.state === 'head') {
        const end = data.indexOf(HEAD_END, at)
        if (end < 0) {
          if (data.length - at > MAX_HEAD_BYTES) throw new ProtocolError('response head too long')
          break
        }
        this.head(data.toString('latin1', at, end))
        at = end + 4
        continue
      }
      if (this.state === 'length' || this.state === 'data') {
        const take = Math.min(this.remaining, data.length - at)
        if (take > 0) this.parts.push(data.subarray(at, at + take))
        at += take
        this.remaining -= take
        if (this.remaining > 0) break
        if (this.state === 'length') this.done()
        else this.state = 'crlf'
        continue
      }
      if (this.state === 'eof') {
        if (at < data.length) this.parts.push(data.subarray(at))
        at = data.length
        break
      }
      // size, crlf, trailer: line-based.
      const lineEnd = data.indexOf(CRLF, at)
      if (lineEnd < 0) {
        if (data.length - at > MAX_HEAD_BYTES) throw new ProtocolError('chunk line too long')
        break
      }
      const line = data.toString('latin1', at, lineEnd)
      at = lineEnd + 2
      if (this.state === 'crlf') {
        if (line !== '') throw new ProtocolError('chunk not followed by CRLF')
        this.state = 'size'
      } else if (this.state === 'size') {
        const size = Number.parseInt(line.split(';')[0]!.trim(), 16)
        if (!Number.isFinite(size) || size < 0) throw new ProtocolError(`bad chunk size ${line}`)
        if (size === 0) this.state = 'trailer'
        else {
          this.remaining = size
          this.state = 'data'
        }
      } else if (line === '') {
        this.done()
      }
    }
    if (at < data.length) this.pending = data.subarray(at)
  }

  /** The stream ended: a body read to the end is complete now; anything else was cut short. */
  end(): boolean {
    if (this.state !== 'eof') return false
    this.done()
    return true
  }

  private head(text: string): void {
    const lines = text.split('\r\n')
    const statusLine = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')
    if (!statusLine) throw new ProtocolError(`bad status line ${JSON.stringify(lines[0])}`)
    this.status = Number(statusLine[1])
    this.close = /^HTTP\/1\.0/.test(lines[0]!)
    let length: number | null = null
    let chunked = false
    const keep = this.wantsHeaders()
    this.headers = keep ? {} : NO_HEADERS
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!
      const colon = line.indexOf(':')
      if (colon < 0) continue
      const name = line.slice(0, colon).trim().toLowerCase()
      const value = line.slice(colon + 1).trim()
      if (name === 'content-length') length = Number(value)
      else if (name === 'transfer-encoding') chunked = /chunked/i.test(value)
      else if (name === 'connection') this.close = /close/i.test(value)
      else if (keep && IDENTITY_HEADERS.has(name))
        this.headers[name as keyof IdentityHeaders] = value
    }
    this.parts = []
    if (this.status < 200) {
      this.state = 'head' // 1xx: another head follows
    } else if (this.status === 204 || this.status === 304) {
      this.done()
    } else if (chunked) {
      this.state = 'size'
    } else if (length !== null) {
      if (!Number.isSafeInteger(length) || length < 0) throw new ProtocolError('bad length')
      this.remaining = length
      this.state = 'length'
      if (length === 0) this.done()
    } else {
      this.close = true
      this.state = 'eof'
    }
  }

  private done(): void {
    const body = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts)
    this.parts = []
    this.state = 'head'
    this.emit({ status: this.status, body, close: this.close, headers: this.headers })
  }
}

/** The value of a 2xx answer, or the engine's error with its status and message. */
function settle(request: Pending, answer: Answer): void {
  const text = answer.body.toString('utf8')
  if (answer.status >= 200 && answer.status < 300) {
    try {
      const value = text.length > 0 ? (JSON.parse(text) as unknown) : null
      request.resolve(request.headers ? { body: value, headers: answer.headers } : value)
    } catch (error) {
      request.reject(error instanceof Error ? error : new Error(String(error)))
    }
    return
  }
  let message = text
  try {
    message = (JSON.parse(text) as { message?: string }).message ?? text
  } catch {
    // not JSON: keep the text
  }
  request.reject(new EngineHttpError(answer.status, message.trim()))
}

class Connection {
  readonly socket: Socket
  readonly inFlight: Pending[] = []
  /** No more requests go here (the server said close, or it failed). */
  retired = false
  private finished = false
  private readonly reader: ResponseReader

  constructor(
    open: () => Socket,
    private readonly owner: PipelinedGetter,
  ) {
    // Answers come in the order asked: the head being read is the first request in flight's.
    this.reader = new ResponseReader(
      (answer) => this.answered(answer),
      () => this.inFlight[0]?.headers === true,
    )
    this.socket = open()
    this.socket.setNoDelay?.(true)
    this.socket.on('data', (chunk: Buffer) => {
      try {
        this.reader.push(chunk)
      } catch (error) {
        this.owner.protocolFailed()
        this.fail(error, true)
      }
    })
    this.socket.on('timeout', () => {
      if (this.inFlight.length === 0) this.fail(new Error('idle'), true)
      else this.fail(readTimeoutError(this.inFlight[0]!.path, READ_TIMEOUT_MS), false)
    })
    this.socket.on('error', (error) => this.fail(error, true))
    this.socket.on('close', () => {
      if (this.reader.end()) return this.fail(new Error('socket closed'), true)
      this.fail(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true)
    })
    this.socket.on('end', () => {
      this.retired = true
    })
  }

  send(batch: Pending[]): void {
    let text = ''
    for (const request of batch) {
      text += `${request.method} ${request.path} HTTP/1.1\r\nHost: docker\r\nUser-Agent: drydock\r\n\r\n`
      engineRequestStarted(request.method, request.path)
    }
    if (this.inFlight.length === 0) this.socket.ref()
    this.inFlight.push(...batch)
    this.armTimeout()
    this.socket.write(text)
  }

  /** Idle: close after a while. Reading: a wedged engine is an error. A delete: no limit. */
  private armTimeout(): void {
    if (this.inFlight.length === 0) this.socket.setTimeout(SOCKET_LIMITS.idle)
    else if (this.inFlight.some((request) => request.method !== 'GET')) this.socket.setTimeout(0)
    else this.socket.setTimeout(SOCKET_LIMITS.reading)
  }

  private answered(answer: Answer): void {
    const request = this.inFlight.shift()
    if (!request) {
      this.owner.protocolFailed()
      this.fail(new ProtocolError('an answer nobody asked for'), true)
      return
    }
    engineResponseEnded(request.path, answer.status)
    if (answer.close) this.retired = true
    this.armTimeout()
    if (this.inFlight.length === 0) this.socket.unref()
    settle(request, answer)
    this.owner.pump()
  }

  /** Ends this connection; what it still owed goes again elsewhere once (`retry`), or fails. */
  private fail(error: unknown, retry: boolean): void {
    if (this.finished) return
    this.finished = true
    this.retired = true
    const owed = this.inFlight.splice(0)
    this.socket.destroy()
    this.owner.closed(this, owed, error, retry)
  }
}

export class PipelinedGetter {
  private readonly queue: Pending[] = []
  private readonly connections = new Set<Connection>()
  private scheduled = false
  private depth: number
  private readonly maxConnections: number

  constructor(
    private readonly open: () => Socket,
    limits: { connections?: number; depth?: number } = {},
  ) {
    this.maxConnections = limits.connections ?? CONNECTIONS
    this.depth = limits.depth ?? DEPTH
  }

  readonly get: JsonGet = (path) => this.request('GET', path)

  /** A GET that also resolves with the answer's identity headers (IDENTITY_HEADERS). */
  getWithHeaders(path: string): Promise<WithHeaders> {
    return new Promise((resolve, reject) => {
      const settled = resolve as (value: unknown) => void
      this.enqueue({ method: 'GET', path, resolve: settled, reject, retried: false, headers: true })
    })
  }

  /** A request of any method; only GETs are ever sent twice (see the header). */
  readonly request: JsonRequest = (method, path) =>
    new Promise((resolve, reject) => {
      this.enqueue({ method, path, resolve, reject, retried: method !== 'GET' })
    })

  private enqueue(request: Pending): void {
    this.queue.push(request)
    // Requests made in the same tick go out together.
    if (!this.scheduled) {
      this.scheduled = true
      queueMicrotask(() => {
        this.scheduled = false
        this.pump()
      })
    }
  }

  /** Hands queued requests to connections with room: an idle one first, then a new one while
   * there are fewer than CONNECTIONS, then the least busy. */
  pump(): void {
    while (this.queue.length > 0) {
      let best: Connection | null = null
      for (const connection of this.connections) {
        if (connection.retired || connection.inFlight.length >= this.depth) continue
        if (!best || connection.inFlight.length < best.inFlight.length) best = connection
      }
      if ((!best || best.inFlight.length > 0) && this.connections.size < this.maxConnections) {
        best = new Connection(this.open, this)
        this.connections.add(best)
      }
      if (!best) return
      // An idle connection with another idle one left takes one request (big reads in
      // parallel); otherwise fill it to the depth.
      const room = this.depth - best.inFlight.length
      const spare =
        this.connections.size < this.maxConnections || this.queue.length <= this.maxConnections
      best.send(this.queue.splice(0, spare && best.inFlight.length === 0 ? 1 : room))
    }
  }

  /**
   * Resolves once the requests asked for so far have left: every connection is connected (or
   * failed), so its requests are written. Waits at most `ms`; a caller about to block the event
   * loop (loading code) calls this first, so the engine starts working meanwhile.
   */
  async sent(ms: number): Promise<void> {
    if (this.scheduled) await Promise.resolve()
    const connecting = [...this.connections].filter((c) => c.socket.connecting)
    if (connecting.length === 0) return
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      Promise.all(
        connecting.map(
          (c) =>
            new Promise<void>((resolve) => {
              c.socket.once('connect', () => resolve())
              c.socket.once('close', () => resolve())
            }),
        ),
      ),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, ms)
      }),
    ])
    clearTimeout(timer)
  }

  /** Pipelining is off from now on: one request at a time per connection. */
  protocolFailed(): void {
    this.depth = 1
  }

  closed(connection: Connection, owed: Pending[], error: unknown, retry: boolean): void {
    this.connections.delete(connection)
    const again = retry ? owed.filter((request) => !request.retried) : []
    for (const request of owed) {
      if (again.includes(request)) request.retried = true
      else request.reject(error)
    }
    if (again.length > 0) {
      this.queue.unshift(...again)
      this.pump()
    }
  }

  close(): void {
    for (const connection of this.connections) connection.socket.destroy()
    this.connections.clear()
  }
}

/** How to reach this host over a plain socket (a unix socket, a named pipe, plain tcp), or null
 * (https, ssh). */
export function plainSocketOpener(host: ResolvedHost): (() => Socket) | null {
  const modem = host.modem
  if (typeof modem.socketPath === 'string') {
    const path = modem.socketPath
    return () => connect({ path })
  }
  if (modem.protocol === 'http' && modem.host) {
    const options = { host: modem.host, port: Number(modem.port ?? 2375) }
    return () => connect(options)
  }
  return null
}

/** A pipelined getter for this host, or null where only another client connects (https, ssh). */
export function pipelinedGetter(host: ResolvedHost): PipelinedGetter | null {
  const open = plainSocketOpener(host)
  return open && new PipelinedGetter(open)
}

/** The executor's deletes over kept-alive sockets without node:http's cost per request (about
 * a third of a clean's client CPU went to it), one at a time per connection: pipelining a request
 * that is not idempotent would leave the ones behind it unknown if the connection dropped. */
export function pipelinedRequester(host: ResolvedHost): PipelinedGetter | null {
  const open = plainSocketOpener(host)
  return open && new PipelinedGetter(open, { connections: DELETE_CONNECTIONS, depth: 1 })
}
