/**
 * Free space of an engine whose data root this process cannot see, as with an engine in a VM: a
 * private engine runs in its own mount namespace with its data root on a 400 MB loop-mounted
 * ext4 filesystem mounted only there, while the same path here is an empty directory on this
 * machine's disk. On its local socket, `drydock status --json` must give the figures `df` gives
 * inside that namespace (within 1%), measured by the probe container; filling the filesystem
 * past a threshold raises exactly one alert; no probe container or image is left or listed.
 */
import { statfs } from 'node:fs/promises'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/program'
import { ensureProbeImage } from '../../src/core/engine/probe'
import { PROBE_LABEL } from '../../src/core/engine/probe-image'
import type { Alert } from '../../src/shared/monitor'
import type { DiskUsage } from '../../src/shared/usage'
import { recordingIo } from '../support/cli-io'
import { loadImages } from '../support/image-archive'
import {
  canRunNamespaceEngine,
  startNamespaceEngine,
  type NamespaceEngine,
} from '../support/namespace-engine'

const MB = 1_000_000
const FILESYSTEM_MB = 400
const THRESHOLD = 100 * MB

const support = await canRunNamespaceEngine()
if (!support.ok && process.env.CI === 'true') {
  throw new Error(`the VM-disk test needs a private mount namespace: ${support.reason} (CI=true)`)
}
if (!support.ok) console.warn(`skipping the VM-disk test: ${support.reason}`)

type WatchLine =
  | { event: 'raised' | 'cleared' | 'active'; alert: Alert }
  | { event: 'check'; activeAlerts: number; freeBytes: number | null; freeSource: string | null }

const within = (actual: number, expected: number, share: number) =>
  Math.abs(actual - expected) <= expected * share

describe.skipIf(!support.ok)('an engine whose data root is invisible here (as in a VM)', () => {
  let engine: NamespaceEngine | null = null
  let scratch = ''
  const figures: string[] = []

  const eng = (): NamespaceEngine => {
    if (!engine) throw new Error('the namespaced engine did not start')
    return engine
  }

  const cli = async (...argv: string[]) => {
    const io = recordingIo()
    const code = await runCli(
      ['--host', eng().host, '--db', join(scratch, 'log.sqlite'), ...argv],
      io,
    )
    return { code, out: io.out(), err: io.err() }
  }

  const status = async (): Promise<{ usage: DiskUsage; code: number }> => {
    const { code, out } = await cli('--json', 'status')
    return { code, usage: (JSON.parse(out) as { usage: DiskUsage }).usage }
  }

  const watchOnce = async () => {
    const { code, out, err } = await cli('watch', '--once', '--json', '--free-below', '100MB')
    const lines = out
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as WatchLine)
    const of = (event: 'raised' | 'cleared' | 'active') =>
      lines.flatMap((line) => (line.event === event ? [line.alert] : []))
    return { code, err, lines, raised: of('raised'), active: of('active') }
  }

  const probesLeft = async () => ({
    containers: await eng().docker.listContainers({
      all: true,
      filters: JSON.stringify({ label: [PROBE_LABEL] }),
    } as never),
    images: await eng().docker.listImages({
      all: true,
      filters: JSON.stringify({ label: [PROBE_LABEL] }),
    } as never),
  })

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'dd-vmdisk-logs-'))
    engine = await startNamespaceEngine(FILESYSTEM_MB)
  })

  afterAll(async () => {
    if (figures.length > 0) console.info(`vm-disk figures: ${figures.join('; ')}`)
    try {
      await engine?.remove()
    } finally {
      if (scratch) rmSync(scratch, { recursive: true, force: true })
    }
  })

  it('the data root path exists here too, on another (far bigger) filesystem', async () => {
    const here = await statfs(eng().dataRoot)
    const inside = await eng().df()
    expect(inside.totalBytes).toBeLessThan(FILESYSTEM_MB * MB)
    expect(here.blocks * here.bsize).toBeGreaterThan(inside.totalBytes * 2)
    figures.push(
      `df inside: ${inside.freeBytes} free of ${inside.totalBytes}; statfs here of the same path: ${here.bavail * here.bsize} free of ${here.blocks * here.bsize}`,
    )
  })

  it('status --json: free and total within 1% of df inside the namespace, from the probe', async () => {
    const before = await eng().df()
    const started = Date.now()
    const { code, usage } = await status()
    const tookMs = Date.now() - started
    const after = await eng().df()
    expect(code).toBe(0)
    expect(usage).toMatchObject({
      freeSource: 'probe',
      engineLocation: 'local',
      hostDisk: null,
      vmDisk: null,
    })
    expect(usage.totalBytes).toBe(after.totalBytes)
    expect(within(usage.freeBytes!, after.freeBytes, 0.01)).toBe(true)
    expect(within(usage.freeBytes!, before.freeBytes, 0.01)).toBe(true)
    figures.push(
      `status --json: ${usage.freeBytes} free of ${usage.totalBytes} (${usage.freeSource}, ${tookMs} ms); df inside after: ${after.freeBytes} free of ${after.totalBytes}`,
    )

    // The words say the same: local, and where the figure came from.
    const text = await cli('status')
    expect(text.out).toMatch(/^Location\s+Local$/m)
    expect(text.out).toMatch(
      /^Free space\s+.* where the engine writes; measured inside the engine/m,
    )
    expect(text.out).not.toMatch(/remote/i)
  })

  it('filling the filesystem past the threshold raises exactly one alert', async () => {
    const { freeBytes } = await eng().df()
    // Leave ~60 MB: well under the 100 MB threshold, room enough for the probe to run.
    const fill = freeBytes - 60 * MB
    await eng().inside('fallocate', ['-l', String(fill), join(eng().dataRoot, '..', 'fill.bin')])
    const filled = await eng().df()
    expect(filled.freeBytes).toBeLessThan(THRESHOLD)

    const check = await watchOnce()
    expect(check.err).toBe('')
    expect(check.code).toBe(5)
    expect(check.raised).toHaveLength(1)
    expect(check.active).toEqual([])
    const alert = check.raised[0]!
    expect(alert).toMatchObject({ kind: 'free-space', engineHost: eng().host, clearedAt: null })
    expect(within(alert.freeBytes!, filled.freeBytes, 0.01)).toBe(true)
    expect(alert.totalBytes).toBe(filled.totalBytes)
    expect(check.lines.at(-1)).toMatchObject({
      event: 'check',
      activeAlerts: 1,
      freeSource: 'probe',
    })
    figures.push(`filled: df inside ${filled.freeBytes} free; alert ${alert.freeBytes} free`)

    // A second check while still low: the same alert, active, no second one.
    const again = await watchOnce()
    expect(again.code).toBe(5)
    expect(again.raised).toEqual([])
    expect(again.active.map((active) => active.id)).toEqual([alert.id])
  })

  it('no probe container or image is left, and the probe image is never listed or counted', async () => {
    expect(await probesLeft()).toEqual({ containers: [], images: [] })
    // Nothing else was ever loaded: the engine holds no image at all.
    expect(await eng().docker.listImages({ all: true })).toEqual([])

    // A probe image caught in the engine (another process probing at that moment) and one of
    // the user's: Drydock lists and counts only the user's.
    const [mine] = await loadImages(eng().docker, [
      {
        tags: ['drydock-test/vm-disk:1'],
        created: '2024-01-01T00:00:00Z',
        layers: [{ files: { '/hello': 'hello' } }],
      },
    ])
    const probeId = await ensureProbeImage(eng().docker, 'amd64')
    try {
      const listed = await cli('--json', 'images')
      expect(listed.code).toBe(0)
      const ids = (JSON.parse(listed.out) as { id: string }[]).map((image) => image.id)
      expect(ids).toEqual([mine!.id])
      const { usage } = await status()
      expect(usage.imageCount).toBe(1)
    } finally {
      // The status above probed with it, and so removed it already (404), or it is still here.
      await eng()
        .docker.getImage(probeId)
        .remove()
        .catch((error: { statusCode?: number }) => {
          if (error.statusCode !== 404) throw error
        })
    }
    expect(await probesLeft()).toEqual({ containers: [], images: [] })
    expect(await eng().docker.listContainers({ all: true })).toEqual([])
  })
})
