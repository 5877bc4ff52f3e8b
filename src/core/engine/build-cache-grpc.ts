/**
 * BuildKit's cache records without `/system/df`. `/system/df` is the only documented source on
 * Engine 20.10 (API 1.41), and it also sizes every image, container and volume: ~250 ms on a
 * 2,000-image engine, where the records alone take ~80 ms. The engine serves BuildKit's own
 * control API on `/grpc` (HTTP/1.1 upgraded to cleartext HTTP/2; what `docker buildx du` uses),
 * and `/system/df` fills its BuildCache from the very same `Control/DiskUsage` call (moby
 * builder-next Builder.DiskUsage), so the records are identical: ID, parent, type, description,
 * in use, shared, size, created, last used, usage count.
 *
 * Returns the records in `/system/df`'s JSON shape, or throws (no `/grpc`: Podman, BuildKit off,
 * an older engine) and the caller reads `/system/df` as before.
 */
import type { ClientHttp2Session } from 'node:http2'
import type { Socket } from 'node:net'
import type { BuildCacheAnswer } from './disk-usage'
import { engineRequestStarted, engineResponseEnded } from './engine-channel'
import type { ResolvedHost } from './host'
import { plainSocketOpener } from './pipelined-get'
import { READ_TIMEOUT_MS, readTimeoutError } from './read-timeouts'

const DISK_USAGE_METHOD = '/moby.buildkit.v1.Control/DiskUsage'

/** HTTP/2's client preface, an empty SETTINGS frame and GOAWAY (last stream 0, NO_ERROR): how a
 * client that asks for nothing leaves (RFC 9113 §3.4, §6.5, §6.8). */
const GOODBYE = Buffer.concat([
  Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'),
  Buffer.from([0, 0, 0, 0x4, 0, 0, 0, 0, 0]),
  Buffer.from([0, 0, 8, 0x7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
])
/** How long a connection closed unused waits for the engine to close its end. */
const GOODBYE_MS = 1_000

/** Whether this host can be asked: a local socket or plain tcp (not ssh, not TLS). */
export function canReadBuildCacheOverGrpc(host: ResolvedHost): boolean {
  return plainSocketOpener(host) !== null
}

/**
 * POST /grpc with `Upgrade: h2c` on a socket of its own; resolves with the socket once the engine
 * answered 101 Switching Protocols. Written by hand (one request, one status line): node:http
 * would cost ~10 ms to load where the CLI sends this, before the rest of it loads.
 */
function upgrade(host: ResolvedHost, signal: AbortSignal): Promise<Socket> {
  // In the executor: a connect that throws (a port out of range) rejects, as a refused one does.
  return new Promise((resolve, reject) => {
    const open = plainSocketOpener(host)
    if (!open) throw new Error(`${host.url}: BuildKit's API is asked over a plain socket only`)
    const socket = open()
    let head = Buffer.alloc(0)
    const fail = (error: unknown) => {
      socket.destroy()
      reject(error)
    }
    const abort = () => fail(signal.reason)
    signal.addEventListener('abort', abort, { once: true })
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk])
      const end = head.indexOf('\r\n\r\n')
      if (end < 0) return
      socket.off('data', onData)
      socket.off('error', fail)
      signal.removeEventListener('abort', abort)
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head.toString('latin1', 0, end))?.[1]
      if (status !== '101') {
        return fail(new Error(`the engine has no BuildKit API here (POST /grpc: ${status ?? '?'})`))
      }
      socket.pause()
      if (end + 4 < head.length) socket.unshift(head.subarray(end + 4))
      // It may wait for read() or close() a while: an error meanwhile must not go unheard (an
      // 'error' without a listener ends the process); the HTTP/2 session adds its own.
      socket.on('error', () => undefined)
      resolve(socket)
    }
    socket.on('data', onData)
    socket.on('error', fail)
    socket.write(
      'POST /grpc HTTP/1.1\r\nHost: docker\r\nUser-Agent: drydock\r\nConnection: Upgrade\r\nUpgrade: h2c\r\nContent-Length: 0\r\n\r\n',
    )
  })
}

/**
 * The upgraded connection, asked for now; the records are asked for over it by `read`, or it is
 * closed unused. The CLI opens it beside its first requests and reads only once the log says the
 * plan will need the records (src/cli/early.ts): the engine's 101 arrives meanwhile.
 */
export interface BuildCacheChannel {
  /** The records, in `/system/df`'s shape. `onSent`: called once the request is on its way (or
   * has failed), for a caller about to block the event loop. At most once. */
  read(onSent?: () => void): Promise<BuildCacheAnswer[]>
  /** Closes the connection without asking (the engine has done nothing for it but the 101);
   * nothing once read() was called. */
  close(): void
}

export function openBuildCacheChannel(host: ResolvedHost): BuildCacheChannel {
  const controller = new AbortController()
  const upgraded = upgrade(host, controller.signal)
  upgraded.catch(() => undefined) // read() reports it; close() has no one to tell
  let state: 'open' | 'read' | 'closed' = 'open'
  return {
    read: (onSent) => {
      if (state !== 'open') {
        return Promise.reject(new Error(`the build cache channel was ${state} already`))
      }
      state = 'read'
      return readOver(upgraded, controller, onSent)
    },
    close: () => {
      if (state !== 'open') return
      state = 'closed'
      // Said goodbye in HTTP/2 once upgraded (the client preface, then GOAWAY): a connection
      // dropped before the preface makes the engine log an error for each plan. Whatever the
      // engine sends back is read and dropped, and the socket goes at its end or soon after.
      const timer = setTimeout(
        () => controller.abort(readTimeoutError('POST /grpc', READ_TIMEOUT_MS)),
        READ_TIMEOUT_MS,
      )
      timer.unref()
      upgraded.then(
        (socket) => {
          clearTimeout(timer)
          socket.unref()
          socket.once('end', () => socket.destroy())
          setTimeout(() => socket.destroy(), GOODBYE_MS).unref()
          socket.end(GOODBYE)
          socket.resume()
        },
        () => clearTimeout(timer),
      )
    },
  }
}

/** The records, in `/system/df`'s shape (see BuildCacheChannel.read). */
export function readBuildCacheOverGrpc(
  host: ResolvedHost,
  onSent?: () => void,
): Promise<BuildCacheAnswer[]> {
  return openBuildCacheChannel(host).read(onSent)
}

async function readOver(
  upgraded: Promise<Socket>,
  controller: AbortController,
  onSent: (() => void) | undefined,
): Promise<BuildCacheAnswer[]> {
  const timer = setTimeout(
    () => controller.abort(readTimeoutError('/grpc DiskUsage', READ_TIMEOUT_MS)),
    READ_TIMEOUT_MS,
  )
  timer.unref()
  engineRequestStarted('POST', '/grpc')
  let session: ClientHttp2Session | null = null
  try {
    const socket = await upgraded
    // Loaded on first use, synchronously: a dynamic import() fails in the CLI, whose bundle is
    // compiled through vm.Script for V8's code cache (bin/compile-cache.js).
    const { connect } = process.getBuiltinModule('node:http2')
    session = connect('http://localhost', { createConnection: () => socket })
    const answer = await new Promise<Buffer>((resolve, reject) => {
      const stream = session!.request(
        {
          ':method': 'POST',
          ':path': DISK_USAGE_METHOD,
          'content-type': 'application/grpc',
          te: 'trailers',
        },
        { signal: controller.signal },
      )
      const chunks: Buffer[] = []
      let status: string | undefined
      let message: string | undefined
      const grpcStatus = (headers: Record<string, unknown>) => {
        if (headers['grpc-status'] !== undefined) {
          status = String(headers['grpc-status'])
          message =
            headers['grpc-message'] === undefined ? undefined : String(headers['grpc-message'])
        }
      }
      stream.on('response', grpcStatus)
      stream.on('trailers', grpcStatus)
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('error', reject)
      session!.on('error', reject)
      stream.on('end', () => {
        if (status !== '0') {
          reject(new Error(`BuildKit DiskUsage failed (grpc-status ${status}): ${message ?? ''}`))
        } else resolve(Buffer.concat(chunks))
      })
      // An empty DiskUsageRequest (no filters), uncompressed.
      stream.end(Buffer.from([0, 0, 0, 0, 0]))
      // The request's frames go out once the session is up (its 'connect'), in that tick.
      if (onSent) session!.once('connect', () => setImmediate(onSent))
    })
    engineResponseEnded('/grpc', 200)
    return decodeDiskUsageResponse(grpcMessage(answer))
  } catch (error) {
    onSent?.()
    throw controller.signal.aborted && controller.signal.reason instanceof Error
      ? controller.signal.reason
      : error
  } finally {
    clearTimeout(timer)
    session?.destroy()
  }
}

/** The one message of a unary gRPC answer (5-byte prefix: compressed flag, length). */
function grpcMessage(frame: Buffer): Buffer {
  if (frame.length < 5) throw new Error('BuildKit DiskUsage answered nothing')
  if (frame[0] !== 0) throw new Error('BuildKit DiskUsage answered compressed')
  const length = frame.readUInt32BE(1)
  if (frame.length < 5 + length) throw new Error('BuildKit DiskUsage answer cut short')
  return frame.subarray(5, 5 + length)
}

// --- protobuf, the few wire types these messages use --------------------------------------------

class Reader {
  at = 0
  constructor(readonly bytes: Buffer) {}
  get done(): boolean {
    return this.at >= this.bytes.length
  }
  varint(): bigint {
    let value = 0n
    let shift = 0n
    for (;;) {
      if (this.at >= this.bytes.length) throw new Error('protobuf: varint cut short')
      const byte = this.bytes[this.at++]!
      value |= BigInt(byte & 0x7f) << shift
      if ((byte & 0x80) === 0) return value
      shift += 7n
      if (shift > 63n) throw new Error('protobuf: varint too long')
    }
  }
  bytesField(): Buffer {
    const length = Number(this.varint())
    const start = this.at
    this.at += length
    if (this.at > this.bytes.length) throw new Error('protobuf: field cut short')
    return this.bytes.subarray(start, this.at)
  }
  skip(wireType: number): void {
    if (wireType === 0) this.varint()
    else if (wireType === 1) this.at += 8
    else if (wireType === 2) this.bytesField()
    else if (wireType === 5) this.at += 4
    else throw new Error(`protobuf: wire type ${wireType}`)
  }
}

/** Each field of a message: its number, wire type, and the reader positioned on its value. */
function* fields(bytes: Buffer): Generator<[number, number, Reader]> {
  const reader = new Reader(bytes)
  while (!reader.done) {
    const key = Number(reader.varint())
    yield [key >>> 3, key & 7, reader]
  }
}

/** int64 as the JSON number /system/df writes (two's complement for negatives). */
function int64(value: bigint): number {
  return Number(BigInt.asIntN(64, value))
}

/** google.protobuf.Timestamp → RFC 3339 in UTC with nanoseconds, as Go's JSON writes a time
 * (trailing zeros dropped; the zero time as 0001-01-01T00:00:00Z). */
function timestamp(bytes: Buffer): string {
  let seconds = 0n
  let nanos = 0
  for (const [field, wire, reader] of fields(bytes)) {
    if (field === 1 && wire === 0) seconds = BigInt.asIntN(64, reader.varint())
    else if (field === 2 && wire === 0) nanos = int64(reader.varint())
    else reader.skip(wire)
  }
  const base = new Date(Number(seconds) * 1000).toISOString().slice(0, 19)
  const fraction = nanos > 0 ? `.${String(nanos).padStart(9, '0').replace(/0+$/, '')}` : ''
  return `${base}${fraction}Z`
}

/** DiskUsageResponse { repeated UsageRecord record = 1 } (buildkit api/services/control). */
export function decodeDiskUsageResponse(bytes: Buffer): BuildCacheAnswer[] {
  const records: BuildCacheAnswer[] = []
  for (const [field, wire, reader] of fields(bytes)) {
    if (field === 1 && wire === 2) records.push(decodeUsageRecord(reader.bytesField()))
    else reader.skip(wire)
  }
  return records
}

/**
 * UsageRecord: 1 ID, 2 Mutable, 3 InUse, 4 Size, 5 Parent, 6 CreatedAt, 7 LastUsedAt,
 * 8 UsageCount, 9 Description, 10 RecordType, 11 Shared, 12 Parents (BuildKit 0.10+).
 */
function decodeUsageRecord(bytes: Buffer): BuildCacheAnswer {
  const record: BuildCacheAnswer = {
    ID: '',
    Parent: '',
    Type: '',
    Description: '',
    InUse: false,
    Shared: false,
    Size: 0,
    CreatedAt: '',
    LastUsedAt: null,
    UsageCount: 0,
  }
  const parents: string[] = []
  const text = (reader: Reader) => reader.bytesField().toString('utf8')
  for (const [field, wire, reader] of fields(bytes)) {
    switch (wire === 2 ? field : wire === 0 ? -field : 0) {
      case 1:
        record.ID = text(reader)
        break
      case -3:
        record.InUse = reader.varint() !== 0n
        break
      case -4:
        record.Size = int64(reader.varint())
        break
      case 5:
        record.Parent = text(reader)
        break
      case 6:
        record.CreatedAt = timestamp(reader.bytesField())
        break
      case 7:
        record.LastUsedAt = timestamp(reader.bytesField())
        break
      case -8:
        record.UsageCount = int64(reader.varint())
        break
      case 9:
        record.Description = text(reader)
        break
      case 10:
        record.Type = text(reader)
        break
      case -11:
        record.Shared = reader.varint() !== 0n
        break
      case 12:
        parents.push(text(reader))
        break
      default:
        reader.skip(wire)
    }
  }
  if (parents.length > 0) record.Parents = parents
  return record
}
