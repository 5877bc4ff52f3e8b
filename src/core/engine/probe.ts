/**
 * Free space measured from inside the engine: a throwaway container of the probe image (see
 * probe-image.ts) reads statfs("/"). Its root is an overlay (or a directory) on the engine's
 * data root, so the figures are those of the filesystem the engine writes to, wherever it is: in
 * a VM, in another mount namespace, on another machine.
 *
 * The container has no network, a read-only root, no capabilities and no log file, and the engine
 * removes it when it exits (AutoRemove). Nothing is left behind: the container is removed by ID if
 * it is still there after an error, and the image is removed after each run (another process
 * probing at the same moment keeps it until its own run ends: removal then fails with a conflict,
 * which is fine).
 */
import { randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import type Docker from 'dockerode'
import { PROBE_LABEL, probeImage, type ProbeArchitecture } from './probe-image'

/** statfs("/") as the probe prints it. */
export interface StatfsReading {
  bsize: number
  frsize: number
  blocks: number
  bfree: number
  bavail: number
  files: number
  ffree: number
  /** f_type: the filesystem's magic number (0x794c7630 for overlayfs). */
  type: number
}

/** overlayfs reports its own magic, not the upper filesystem's (fs/overlayfs/super.c). */
export const OVERLAYFS_MAGIC = 0x794c7630

/** How long one probe may take, loading the image included. */
export const PROBE_TIMEOUT_MS = 30_000

/** Unit size of the block counts: f_frsize, as df uses it (f_bsize when the kernel says 0). */
export function blockBytes(reading: Pick<StatfsReading, 'bsize' | 'frsize'>): number {
  return reading.frsize > 0 ? reading.frsize : reading.bsize
}

/** Free bytes for unprivileged writers (df's Available) and the filesystem's size. */
export function spaceOf(reading: StatfsReading): { freeBytes: number; totalBytes: number } {
  const unit = blockBytes(reading)
  return { freeBytes: reading.bavail * unit, totalBytes: reading.blocks * unit }
}

const FIELDS = ['bsize', 'frsize', 'blocks', 'bfree', 'bavail', 'files', 'ffree', 'type'] as const

/** The probe's one JSON line; throws on anything else (including its `{"error": errno}`). */
export function parseProbeOutput(text: string): StatfsReading {
  let value: unknown
  try {
    value = JSON.parse(text.trim())
  } catch {
    throw new Error(`the probe printed something unexpected: ${JSON.stringify(text.slice(0, 200))}`)
  }
  const record = (value ?? {}) as Record<string, unknown>
  if (typeof record.error === 'number')
    throw new Error(`statfs failed in the probe (errno ${record.error})`)
  const reading = {} as StatfsReading
  for (const field of FIELDS) {
    const number = record[field]
    if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 0) {
      throw new Error(`the probe's answer lacks ${field}: ${JSON.stringify(text.slice(0, 200))}`)
    }
    reading[field] = number
  }
  if (blockBytes(reading) === 0) throw new Error('the probe reported a block size of 0')
  return reading
}

/** Whether an engine error means its disk is full (then free space is known: none). */
export function isNoSpaceError(error: unknown): boolean {
  return /no space left on device/i.test(error instanceof Error ? error.message : String(error))
}

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number } | null)?.statusCode
}

/** Reads the engine's progress stream to its end; an `{"error": …}` line fails it. */
async function drainJsonStream(stream: NodeJS.ReadableStream): Promise<void> {
  let text = ''
  for await (const chunk of stream as AsyncIterable<Buffer | string>) text += chunk.toString()
  for (const line of text.split('\n')) {
    if (!line.trim()) continue
    try {
      const message = JSON.parse(line) as { error?: string; errorDetail?: { message?: string } }
      if (message.error) throw new Error(message.errorDetail?.message ?? message.error)
    } catch (error) {
      if (error instanceof SyntaxError) continue
      throw error
    }
  }
}

/** The probe image's ID on this engine, loading it when missing. */
export async function ensureProbeImage(docker: Docker, arch: ProbeArchitecture): Promise<string> {
  const image = probeImage(arch)
  // By label, not by ID: the containerd image store names images by their manifest digest.
  const find = async () => {
    const found = (await docker.listImages({
      all: true,
      filters: JSON.stringify({ label: [`${PROBE_LABEL}=${image.version}`] }),
    } as unknown as Docker.ListImagesOptions)) as { Id: string }[]
    return found[0]?.Id ?? null
  }
  const present = await find()
  if (present) return present
  await drainJsonStream(await docker.loadImage(Readable.from([image.archive]), { quiet: true }))
  const loaded = await find()
  if (!loaded) throw new Error('the engine did not keep the probe image it loaded')
  return loaded
}

/** Splits the engine's multiplexed attach stream (8-byte headers) and keeps stdout. */
function stdoutOf(raw: Buffer): string {
  const out: Buffer[] = []
  let offset = 0
  while (offset + 8 <= raw.length) {
    const streamType = raw[offset]!
    const size = raw.readUInt32BE(offset + 4)
    if (streamType > 2 || raw[offset + 1] !== 0) return raw.toString('utf8') // not multiplexed
    if (streamType === 1) out.push(raw.subarray(offset + 8, offset + 8 + size))
    offset += 8 + size
  }
  return Buffer.concat(out).toString('utf8')
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the probe timed out ${what}`)), ms)
    timer.unref()
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}

async function removeQuietly(remove: () => Promise<unknown>): Promise<void> {
  try {
    await remove()
  } catch (error) {
    // Gone already (404), or being removed / still in use by another probe (409).
    const status = statusOf(error)
    if (status !== 404 && status !== 409) throw error
  }
}

/** One probe: create, attach, start, read, and leave nothing behind. */
/** A probe container older than this was left by a process that died mid-probe. */
const STALE_PROBE_S = 120

/**
 * Removes probe containers a process left behind (killed between create and start, so AutoRemove
 * never applied). Their image goes with the next probe's clean-up. Never fails the probe.
 */
async function sweepStaleProbes(docker: Docker): Promise<void> {
  try {
    const stale = (await docker.listContainers({
      all: true,
      filters: { label: [PROBE_LABEL] },
    })) as { Id: string; Created?: number }[]
    const before = Date.now() / 1000 - STALE_PROBE_S
    for (const container of stale.filter((c) => (c.Created ?? 0) < before)) {
      await removeQuietly(() => docker.getContainer(container.Id).remove({ force: true }))
    }
  } catch {
    // Cannot list: the probe itself will say what is wrong.
  }
}

export async function runProbe(
  docker: Docker,
  arch: ProbeArchitecture,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<StatfsReading> {
  const image = probeImage(arch)
  let imageId: string | null = null
  let containerId: string | null = null
  let removed = false
  const work = async (): Promise<StatfsReading> => {
    await sweepStaleProbes(docker)
    imageId = await ensureProbeImage(docker, arch)
    const create = () =>
      docker.createContainer({
        name: `drydock-probe-${randomBytes(6).toString('hex')}`,
        Image: imageId!,
        Labels: { [PROBE_LABEL]: image.version },
        User: '65534:65534',
        NetworkDisabled: true,
        AttachStdout: true,
        AttachStderr: true,
        HostConfig: {
          NetworkMode: 'none',
          ReadonlyRootfs: true,
          AutoRemove: true,
          CapDrop: ['ALL'],
          SecurityOpt: ['no-new-privileges'],
          LogConfig: { Type: 'none', Config: {} },
        },
      })
    let container: Docker.Container
    try {
      container = await create()
    } catch (error) {
      // Another process's probe removed the image between our lookup and the create.
      if (statusOf(error) !== 404) throw error
      imageId = await ensureProbeImage(docker, arch)
      container = await create()
    }
    containerId = container.id
    const stream = (await container.attach({
      stream: true,
      stdout: true,
      stderr: true,
    })) as NodeJS.ReadableStream
    const chunks: Buffer[] = []
    const output = new Promise<Buffer>((resolve, reject) => {
      stream.on('data', (chunk: Buffer) => chunks.push(Buffer.from(chunk)))
      stream.on('end', () => resolve(Buffer.concat(chunks)))
      stream.on('close', () => resolve(Buffer.concat(chunks)))
      stream.on('error', reject)
    })
    // Asked before the start, so the answer cannot be missed: the engine answers once the
    // container exited and (AutoRemove) was removed.
    const exited = container.wait({ condition: 'removed' } as object) as Promise<{
      StatusCode?: number
    }>
    exited.catch(() => undefined)
    await container.start()
    const [{ StatusCode }, raw] = await Promise.all([exited, output])
    removed = true
    const text = stdoutOf(raw)
    if (StatusCode !== 0 && !text.includes('"error"')) {
      throw new Error(`the probe exited with status ${String(StatusCode)}`)
    }
    return parseProbeOutput(text)
  }
  const cleanUp = async (): Promise<void> => {
    if (containerId && !removed) {
      const id: string = containerId
      await removeQuietly(() => docker.getContainer(id).remove({ force: true }))
    }
    if (imageId) {
      const id: string = imageId
      await removeQuietly(() => docker.getImage(id).remove())
    }
  }
  // Whatever happens, the work cleans up after itself when it ends; a timeout answers at once
  // and force-removes the container, which ends the work (and so its clean-up) too.
  const running = work().finally(() => cleanUp().catch(() => undefined))
  running.catch(() => undefined)
  try {
    return await withTimeout(running, timeoutMs, `after ${Math.round(timeoutMs / 1000)} s`)
  } catch (error) {
    if (containerId && !removed) await cleanUp().catch(() => undefined)
    throw error
  }
}
