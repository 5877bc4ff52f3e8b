/**
 * The lean requests over kept-alive sockets (engine/pipelined-get.ts), against a small HTTP server
 * on a unix socket standing in for the engine: what a connection lost mid-request does to a GET
 * (sent again, once) and to a delete (never sent twice: the caller hears a transport failure),
 * that deletes go one at a time per connection, which headers a read can return, and which answer
 * names the engine first (early-reads.ts). The real
 * engine's answers are covered by the engine and fault suites (tests/faults/engine-killed.test.ts
 * kills it under a clean).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startEarlyReads } from '../../src/core/engine/early-reads'
import { isTransportFailure } from '../../src/core/engine/errors'
import type { ResolvedHost } from '../../src/core/engine/host'
import {
  PipelinedGetter,
  pipelinedGetter,
  pipelinedRequester,
  plainSocketOpener,
} from '../../src/core/engine/pipelined-get'

interface Received {
  method: string
  path: string
  socket: Socket
  /** Requests this connection had sent and not yet been answered, this one included. */
  outstanding: number
}

type Answer = { status: number; body: unknown; headers?: string[] }
type Reply = (request: Received) => 'hang-up' | Answer | 'later'

const answer = (socket: Socket, { status, body, headers = [] }: Answer) => {
  const text = JSON.stringify(body)
  const head = [`HTTP/1.1 ${status} X`, 'Content-Type: application/json', ...headers]
  socket.write(`${head.join('\r\n')}\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`)
}

let dir: string | null = null
let server: Server | null = null

async function standInEngine(reply: Reply) {
  dir = mkdtempSync(join(tmpdir(), 'drydock-pipelined-'))
  const socketPath = join(dir, 'engine.sock')
  const received: Received[] = []
  const outstanding = new Map<Socket, number>()
  server = createServer((socket) => {
    let buffer = ''
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1')
      let end: number
      while ((end = buffer.indexOf('\r\n\r\n')) >= 0) {
        const [method = '', path = ''] = buffer.slice(0, end).split(' ')
        buffer = buffer.slice(end + 4)
        outstanding.set(socket, (outstanding.get(socket) ?? 0) + 1)
        const request = { method, path, socket, outstanding: outstanding.get(socket)! }
        received.push(request)
        const what = reply(request)
        if (what === 'hang-up') socket.destroy()
        else if (what !== 'later') {
          outstanding.set(socket, outstanding.get(socket)! - 1)
          answer(socket, what)
        }
      }
    })
    socket.on('error', () => undefined)
  })
  await new Promise<void>((resolve) => server!.listen(socketPath, resolve))
  const host = { modem: { socketPath } } as unknown as ResolvedHost
  return { host, received }
}

afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)))
  server = null
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = null
})

describe('lean requests over kept-alive sockets', () => {
  it('sends a delete once, one per connection at a time, and reads its answer or its refusal', async () => {
    const { host, received } = await standInEngine((request) =>
      request.path.includes('busy')
        ? { status: 409, body: { message: 'conflict: image is being used' } }
        : { status: 200, body: [{ Untagged: request.path.slice(8) }] },
    )
    const requester = pipelinedRequester(host)!
    try {
      const names = Array.from({ length: 20 }, (_, i) => `img-${i}:1`)
      const answers = await Promise.all(
        names.map((name) => requester.request('DELETE', `/images/${name}?noprune=true`)),
      )
      expect(answers).toEqual(names.map((name) => [{ Untagged: `${name}?noprune=true` }]))
      expect(received.filter((r) => r.method === 'DELETE')).toHaveLength(20)
      expect(Math.max(...received.map((r) => r.outstanding))).toBe(1)
      expect(new Set(received.map((r) => r.socket)).size).toBeLessThanOrEqual(8)
      await expect(requester.request('DELETE', '/images/busy:1')).rejects.toMatchObject({
        statusCode: 409,
        json: { message: 'conflict: image is being used' },
      })
    } finally {
      requester.close()
    }
  })

  it('a connection lost under a delete fails it as a transport failure and never resends it', async () => {
    const { host, received } = await standInEngine(() => 'hang-up')
    const requester = pipelinedRequester(host)!
    try {
      const failure = await requester.request('DELETE', '/images/app:1').catch((e: unknown) => e)
      expect(isTransportFailure(failure)).toBe(true)
      expect(received.map((r) => `${r.method} ${r.path}`)).toEqual(['DELETE /images/app:1'])
    } finally {
      requester.close()
    }
  })

  it('a connection lost under a read sends the read again, once', async () => {
    let calls = 0
    const { host, received } = await standInEngine(() =>
      ++calls === 1 ? 'hang-up' : { status: 200, body: { Id: 'sha256:a' } },
    )
    const getter = pipelinedGetter(host)!
    try {
      await expect(getter.get('/images/app:1/json')).resolves.toEqual({ Id: 'sha256:a' })
      expect(received.map((r) => r.path)).toEqual(['/images/app:1/json', '/images/app:1/json'])
    } finally {
      getter.close()
    }
  })

  it('a read with headers returns the engine-naming ones and only those, case aside', async () => {
    const { host } = await standInEngine((request) => ({
      status: 200,
      body: { ServerVersion: request.path === '/info' ? '4.3.1' : '?' },
      headers: [
        'Api-Version: 1.41',
        'LIBPOD-API-VERSION: 4.3.1',
        'Server:  Libpod/4.3.1 (linux) ',
        'X-Reference-Id: 0xc000014008',
      ],
    }))
    const getter = pipelinedGetter(host)!
    try {
      await expect(getter.getWithHeaders('/info')).resolves.toEqual({
        body: { ServerVersion: '4.3.1' },
        headers: {
          'api-version': '1.41',
          'libpod-api-version': '4.3.1',
          server: 'Libpod/4.3.1 (linux)',
        },
      })
      // A plain read on the same connection still resolves with the body alone.
      await expect(getter.get('/other')).resolves.toEqual({ ServerVersion: '?' })
    } finally {
      getter.close()
    }
  })

  it('pipelined on one connection, each answer has its own headers', async () => {
    const { host, received } = await standInEngine((request) => ({
      status: 200,
      body: request.path,
      headers: request.path === '/signed' ? ['Server: Libpod/4.3.1 (linux)'] : [],
    }))
    const getter = new PipelinedGetter(plainSocketOpener(host)!, { connections: 1 })
    try {
      const [signed, plain] = await Promise.all([
        getter.getWithHeaders('/signed'),
        getter.getWithHeaders('/plain'),
      ])
      expect(new Set(received.map((request) => request.socket)).size).toBe(1)
      expect(signed).toEqual({ body: '/signed', headers: { server: 'Libpod/4.3.1 (linux)' } })
      expect(plain).toEqual({ body: '/plain', headers: {} })
    } finally {
      getter.close()
    }
  })

  it("the early reads are named by their first answer that names an engine, before /info's", async () => {
    const { host } = await standInEngine((request) => {
      // Engine 20.10 forks runc for /info: it often answers after the lists.
      if (request.path === '/info') return 'later'
      const proxied = request.path.startsWith('/images')
      return {
        status: 200,
        body: [],
        headers: proxied
          ? ['Server: nginx/1.25.3']
          : ['Server: Docker/20.10.24 (linux)', 'Api-Version: 1.41'],
      }
    })
    const early = startEarlyReads(host, { lists: true, containerSizes: false })!
    try {
      await expect(early.lists!.images).resolves.toEqual([])
      await expect(early.identified).resolves.toEqual({
        server: 'Docker/20.10.24 (linux)',
        'api-version': '1.41',
      })
      await expect(early.lists!.containers).resolves.toEqual([])
    } finally {
      early.pipelined.close()
    }
  })
})
