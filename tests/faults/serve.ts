/**
 * Browser mode as users start it (`node bin/drydock.js serve`), for the fault suite: its HTTP
 * API called as the page calls it, or with any raw request. Stopped by its PID.
 */
import { spawn } from 'node:child_process'
import { request } from 'node:http'
import { drydockBin } from './support'

export interface HttpAnswer {
  status: number
  body: unknown
  /** The raw text when the body is not JSON. */
  text: string
}

export interface RawRequest {
  method?: string
  path: string
  headers?: Record<string, string>
  body?: string | Buffer
  /** No byte for this long fails the call (default 180 s). */
  timeoutMs?: number
}

export interface Serve {
  origin: string
  token: string
  pid: number
  /** Set when the process ended before stop() asked it to. */
  crashed(): { code: number | null; signal: NodeJS.Signals | null; stderr: string } | null
  call(method: string, payload: unknown): Promise<HttpAnswer>
  /** Follows `GET /api/events` as the page does; `events()` has what arrived so far. */
  follow(): Promise<{ events(): { name: string; payload: unknown }[]; close(): void }>
  raw(req: RawRequest): Promise<HttpAnswer>
  stop(): Promise<void>
}

export async function startServe(host: string, db: string): Promise<Serve> {
  const child = spawn(
    process.execPath,
    [drydockBin, '--host', host, '--db', db, '--json', 'serve', '--port', '0'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DRYDOCK_CHECK_RESPONSES: '1' } },
  )
  let stdout = ''
  let stderr = ''
  let stopping = false
  let ended: { code: number | null; signal: NodeJS.Signals | null } | null = null
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      ended = { code, signal }
      resolve()
    }),
  )
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const started = await new Promise<{ url: string; origin: string }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`drydock serve did not start: ${stderr}`)),
      20_000,
    )
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      try {
        const parsed = JSON.parse(stdout) as { url: string; origin: string }
        clearTimeout(timer)
        resolve(parsed)
      } catch {
        // Not the whole JSON document yet.
      }
    })
    void exited.then(() => {
      clearTimeout(timer)
      reject(new Error(`drydock serve exited at start: ${stderr}`))
    })
  })
  const origin = new URL(started.origin)
  const token = new URL(started.url).searchParams.get('token') ?? ''

  const raw = (req: RawRequest): Promise<HttpAnswer> =>
    new Promise((resolve, reject) => {
      const outgoing = request(
        {
          host: origin.hostname,
          port: origin.port,
          method: req.method ?? 'POST',
          path: req.path,
          headers: { Host: origin.host, ...req.headers },
          // A connection per request: a reused keep-alive socket the server is closing at its
          // idle timeout resets the next request (a client race, which browsers retry).
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('error', reject)
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8')
            let body: unknown = undefined
            try {
              body = JSON.parse(text)
            } catch {
              // not JSON
            }
            resolve({ status: res.statusCode ?? 0, body, text })
          })
        },
      )
      outgoing.on('error', reject)
      // A server that never answers fails the call instead of holding the suite.
      outgoing.setTimeout(req.timeoutMs ?? 180_000, () =>
        outgoing.destroy(new Error(`no answer to ${req.method ?? 'POST'} ${req.path}`)),
      )
      outgoing.end(req.body)
    })

  return {
    origin: started.origin,
    token,
    pid: child.pid ?? -1,
    crashed: () => {
      const end = ended as { code: number | null; signal: NodeJS.Signals | null } | null
      return end && !stopping ? { ...end, stderr } : null
    },
    raw,
    call: (method, payload) =>
      raw({
        path: `/api/call/${method}`,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(payload),
      }),
    follow: () =>
      new Promise((resolve, reject) => {
        const received: { name: string; payload: unknown }[] = []
        let buffer = ''
        const req = request(
          {
            host: origin.hostname,
            port: origin.port,
            method: 'GET',
            path: `/api/events?token=${encodeURIComponent(token)}`,
            headers: { Host: origin.host },
          },
          (res) => {
            res.on('data', (chunk: Buffer) => {
              buffer += chunk.toString('utf8')
              let end: number
              while ((end = buffer.indexOf('\n\n')) >= 0) {
                const block = buffer.slice(0, end)
                buffer = buffer.slice(end + 2)
                for (const line of block.split('\n')) {
                  if (line.startsWith('data: ')) {
                    received.push(JSON.parse(line.slice(6)) as { name: string; payload: unknown })
                  }
                }
              }
            })
            res.on('error', () => undefined)
            resolve({ events: () => [...received], close: () => req.destroy() })
          },
        )
        req.on('error', (error) => (received.length === 0 ? reject(error) : undefined))
        req.end()
      }),
    stop: async () => {
      stopping = true
      if (ended) return
      process.kill(child.pid!, 'SIGTERM')
      const timer = setTimeout(() => {
        if (!ended) process.kill(child.pid!, 'SIGKILL')
      }, 5_000)
      await exited
      clearTimeout(timer)
    },
  }
}
