/**
 * The connection BuildKit's records are read over (engine/build-cache-grpc.ts), against a stand-in
 * for the engine's `/grpc` on a unix socket: an HTTP/1.1 upgrade answered 101, then node's own
 * HTTP/2 server on the same socket, as moby hands the hijacked connection to its gRPC server. The
 * CLI opens it beside its first requests and asks over it only when the log says the plan needs
 * the records (src/cli/early.ts); the real engine's answer is covered by the engine suites.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer as createHttp2Server, type ServerHttp2Stream } from 'node:http2'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openBuildCacheChannel } from '../../src/core/engine/build-cache-grpc'
import { resolveHost } from '../../src/core/engine/host'

let dir: string | null = null
let server: Server | null = null

afterEach(() => {
  server?.close()
  server = null
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = null
})

interface Seen {
  upgrades: number
  /** gRPC methods asked for over HTTP/2. */
  calls: string[]
  /** Connections closed by the client. */
  closed: number
  /** HTTP/2 sessions the client left with GOAWAY (after its preface: the engine logs no error). */
  goaways: number
}

/** `record`: one UsageRecord's id (DiskUsageResponse field 1, UsageRecord field 1). */
function diskUsageAnswer(record: string): Buffer {
  const id = Buffer.from(record)
  const usage = Buffer.concat([Buffer.from([0x0a, id.length]), id])
  const message = Buffer.concat([Buffer.from([0x0a, usage.length]), usage])
  const prefix = Buffer.alloc(5)
  prefix.writeUInt32BE(message.length, 1)
  return Buffer.concat([prefix, message])
}

async function standInEngine(): Promise<{ host: ReturnType<typeof resolveHost>; seen: Seen }> {
  dir = mkdtempSync(join(tmpdir(), 'drydock-grpc-'))
  const socketPath = join(dir, 'engine.sock')
  const seen: Seen = { upgrades: 0, calls: [], closed: 0, goaways: 0 }
  const h2 = createHttp2Server()
  h2.on('session', (session) => session.on('goaway', () => (seen.goaways += 1)))
  h2.on('stream', (stream: ServerHttp2Stream, headers) => {
    seen.calls.push(String(headers[':path']))
    stream.on('data', () => undefined)
    stream.on('end', () => {
      stream.respond(
        { ':status': 200, 'content-type': 'application/grpc' },
        { waitForTrailers: true },
      )
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }))
      stream.end(diskUsageAnswer('record-1'))
    })
  })
  server = createServer((socket) => {
    socket.on('close', () => (seen.closed += 1))
    socket.once('data', (chunk) => {
      expect(chunk.toString('latin1')).toMatch(/^POST \/grpc HTTP\/1\.1\r\n[^]*Upgrade: h2c\r\n/)
      seen.upgrades += 1
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n',
      )
      h2.emit('connection', socket)
    })
  })
  await new Promise<void>((resolve) => server!.listen(socketPath, resolve))
  const host = resolveHost({ explicit: `unix://${socketPath}`, env: {}, platform: 'linux' })
  return { host, seen }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50))

describe('the build cache channel', () => {
  it('reads the records over a connection upgraded before it was asked to', async () => {
    const { host, seen } = await standInEngine()
    const channel = openBuildCacheChannel(host)
    // The 101 (and the server's first HTTP/2 frames) arrive before the read: kept for it.
    await settle()
    expect(seen.upgrades).toBe(1)
    expect(seen.calls).toEqual([])
    const records = await channel.read()
    expect(records.map((record) => record.ID)).toEqual(['record-1'])
    expect(seen.calls).toEqual(['/moby.buildkit.v1.Control/DiskUsage'])
  })

  it('is read once: a second read is refused, and a close after a read leaves it alone', async () => {
    const { host, seen } = await standInEngine()
    const channel = openBuildCacheChannel(host)
    const records = channel.read()
    channel.close()
    await expect(channel.read()).rejects.toThrow(/read already/)
    expect((await records).map((record) => record.ID)).toEqual(['record-1'])
    expect(seen.calls).toHaveLength(1)
    expect(seen.goaways).toBe(0)
  })

  it('closed unused, it asks the engine for nothing and leaves with GOAWAY', async () => {
    const { host, seen } = await standInEngine()
    const channel = openBuildCacheChannel(host)
    await settle()
    channel.close()
    await settle()
    expect(seen.upgrades).toBe(1)
    expect(seen.calls).toEqual([])
    expect(seen.goaways).toBe(1)
    expect(seen.closed).toBe(1)
    await expect(channel.read()).rejects.toThrow(/closed already/)
  })

  it('closed before the engine answered the upgrade, it leaves the same way once upgraded', async () => {
    const { host, seen } = await standInEngine()
    openBuildCacheChannel(host).close()
    await settle()
    expect(seen.calls).toEqual([])
    expect(seen.goaways).toBe(1)
    const open = await new Promise<number>((resolve, reject) =>
      server!.getConnections((error, count) => (error ? reject(error) : resolve(count))),
    )
    expect(open).toBe(0)
  })
})
