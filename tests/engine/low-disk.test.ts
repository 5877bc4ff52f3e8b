/**
 * The disk monitor on a disk that really runs low: a second private engine keeps its data root
 * on a ~200 MB loop-mounted ext4 filesystem, generated images fill it past the threshold, and
 * `drydock watch` must report exactly one alert per crossing: `--once` exits 5, a safe cleanup
 * re-arms it (exit 0), filling again raises one new alert; a long-running watch checking every
 * second prints one alert per crossing, not one per check; `--auto-clean` frees the space.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/program'
import type { Alert } from '../../src/shared/monitor'
import type { RunDetail } from '../../src/shared/history'
import { recordingIo } from '../support/cli-io'
import { loadImages } from '../support/image-archive'
import { probeLoopMount, startLoopEngine, type LoopEngine } from '../support/loop-engine'

const MB = 1_000_000
const FILESYSTEM_MB = 200
/** The threshold, well inside the filesystem: ~186 MB free when empty, ~90 MB of images to cross. */
const THRESHOLD = 100 * MB
/** Its re-arm margin (10% of the threshold): a cleanup must bring free space above this. */
const REARM_AT = 110 * MB
const IMAGE_BYTES = 24 * MB
/**
 * A load holds about twice its image for a moment (the archive unpacked, then the layer), so a
 * watcher checking every second can see free space dip and come back. Near the threshold the
 * images are small enough that a dip which crosses it leaves free space under the re-arm margin
 * (no "cleared" between two "raised" of one crossing): a 4 MB image < the 10 MB margin.
 */
const SMALL_IMAGE_BYTES = 4 * MB
const bin = join(__dirname, '../../bin/drydock.js')

const loop = await probeLoopMount()
if (!loop.ok && process.env.CI === 'true') {
  throw new Error(`the low-disk test needs a loop mount: ${loop.reason} (CI=true: may not skip)`)
}
if (!loop.ok) console.warn(`skipping the low-disk test: ${loop.reason}`)

type WatchLine =
  | { event: 'raised' | 'cleared' | 'active'; alert: Alert }
  | { event: 'check'; activeAlerts: number; freeBytes: number | null }
  | { event: 'cleanup'; runId: string | null; reclaimedBytes: number; deleted: number }
  | { event: 'unreachable' | 'reachable' | 'error'; message: string }

function parseLines(text: string): WatchLine[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as WatchLine)
}

function alertsOf(lines: WatchLine[], event: 'raised' | 'cleared' | 'active'): Alert[] {
  return lines.flatMap((line) => (line.event === event ? [line.alert] : []))
}

async function until(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe.skipIf(!loop.ok)('low disk: a loop-mounted data root filled past the threshold', () => {
  let engine: LoopEngine | null = null
  let scratch = ''
  let watcher: ChildProcess | null = null
  let watcherOut = ''
  let filled = 0
  /** Bytes of images the last fill loaded: what a safe cleanup can give back. */
  let loadedBytes = 0
  /** Free bytes at each stage, printed at the end: the figures behind the assertions. */
  const figures: string[] = []
  const note = async (stage: string) =>
    figures.push(`${stage} ${((await eng().freeBytes()) / MB).toFixed(1)} MB free`)

  const eng = (): LoopEngine => {
    if (!engine) throw new Error('the loop engine did not start')
    return engine
  }

  /** `drydock watch --once --json` on the shared log, in process. */
  const watchOnce = async (...extra: string[]) => {
    const io = recordingIo()
    const code = await runCli(
      [
        '--host',
        eng().host,
        '--db',
        join(scratch, 'log.sqlite'),
        'watch',
        '--once',
        '--json',
        '--free-below',
        '100MB',
        ...extra,
      ],
      io,
    )
    return { code, lines: parseLines(io.out()), err: io.err() }
  }

  /** Loads untagged (dangling) images of incompressible data until free space is under the
   * threshold, so a safe cleanup (`--dangling`) can free them all again. */
  const fillPastThreshold = async () => {
    loadedBytes = 0
    for (let free = await eng().freeBytes(); free >= THRESHOLD; free = await eng().freeBytes()) {
      const size = free - 2 * IMAGE_BYTES >= REARM_AT ? IMAGE_BYTES : SMALL_IMAGE_BYTES
      filled += 1
      loadedBytes += size
      await loadImages(eng().docker, [
        {
          tags: [],
          created: new Date(Date.UTC(2024, 0, 1, 0, 0, filled)),
          labels: { 'drydock.test': 'low-disk' },
          layers: [{ files: { [`/fill/${filled}`]: { size, seed: filled } } }],
        },
      ])
    }
    return eng().freeBytes()
  }

  const watcherLines = () => parseLines(watcherOut)
  /** The watcher's events, with the message of any that has one (a failure says why). */
  const watcherEvents = () =>
    watcherLines().map((line) =>
      'message' in line ? `${line.event}: ${line.message}` : line.event,
    )

  beforeAll(async () => {
    if (!existsSync(join(__dirname, '../../out/main/cli.js'))) {
      throw new Error('the CLI is not built: run `npm run build` before the engine tests')
    }
    scratch = mkdtempSync(join(tmpdir(), 'dd-lowdisk-logs-'))
    engine = await startLoopEngine(FILESYSTEM_MB)
    expect(await engine.totalBytes()).toBeLessThan(FILESYSTEM_MB * MB)
    expect(await engine.freeBytes()).toBeGreaterThan(REARM_AT + 40 * MB)
    figures.push(`filesystem ${((await engine.totalBytes()) / MB).toFixed(1)} MB`)
    await note('empty engine:')
    // A long-running watch with a log of its own, checking every second across every crossing.
    watcher = spawn(
      process.execPath,
      [
        bin,
        '--host',
        engine.host,
        '--db',
        join(scratch, 'watch.sqlite'),
        'watch',
        '--interval',
        '1s',
        '--json',
        '--free-below',
        '100MB',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    watcher.stdout!.on('data', (chunk: Buffer) => (watcherOut += chunk.toString('utf8')))
    // Two checks with the disk still roomy: nothing to report.
    await sleep(2_500)
    expect(watcherLines()).toEqual([])
  })

  afterAll(async () => {
    if (figures.length > 0) console.info(`low-disk figures: ${figures.join('; ')}`)
    if (watcher && watcher.exitCode === null) {
      const exited = new Promise((resolve) => watcher!.once('exit', resolve))
      watcher.kill('SIGTERM')
      await Promise.race([exited, sleep(5_000)])
      if (watcher.exitCode === null) watcher.kill('SIGKILL')
    }
    try {
      await engine?.remove()
    } finally {
      if (scratch) rmSync(scratch, { recursive: true, force: true })
    }
  })

  let first: Alert

  it('crossing the threshold raises exactly one alert; watch --once exits 5', async () => {
    const free = await fillPastThreshold()
    expect(free).toBeLessThan(THRESHOLD)
    await note(`after ${filled} images:`)

    const check = await watchOnce()
    expect(check.err).toBe('')
    expect(check.code).toBe(5)
    const raised = alertsOf(check.lines, 'raised')
    expect(raised).toHaveLength(1)
    expect(alertsOf(check.lines, 'active')).toEqual([])
    first = raised[0]!
    expect(first).toMatchObject({
      kind: 'free-space',
      level: 'warning',
      clearedAt: null,
      engineHost: eng().host,
    })
    expect(first.freeBytes).toBeLessThan(THRESHOLD)
    // The safe policy (dangling images) can give back what the fill took.
    expect(first.reclaimableBytes).toBeGreaterThanOrEqual(loadedBytes - SMALL_IMAGE_BYTES)
    expect(first.message).toMatch(/^Disk almost full: \d+(\.\d+)? MB free\. Drydock can free \d/)

    // Checking again while still low: the same alert, active, not a new one.
    const again = await watchOnce()
    expect(again.code).toBe(5)
    expect(alertsOf(again.lines, 'raised')).toEqual([])
    expect(alertsOf(again.lines, 'active').map((alert) => alert.id)).toEqual([first.id])

    // The watcher, checking every second all along, has said it once.
    await until(
      'the watcher reports the crossing',
      () => alertsOf(watcherLines(), 'raised').length > 0,
    )
    await sleep(3_000) // three more checks with the disk still low
    expect(alertsOf(watcherLines(), 'raised')).toHaveLength(1)
  })

  it('a safe cleanup frees the space and re-arms: watch --once exits 0', async () => {
    const io = recordingIo()
    const code = await runCli(
      ['--host', eng().host, '--db', join(scratch, 'log.sqlite'), 'clean', '--dangling', '--yes'],
      io,
    )
    expect(io.err()).toBe('')
    expect(code).toBe(0)
    expect(await eng().freeBytes()).toBeGreaterThanOrEqual(REARM_AT)
    await note('after clean --dangling:')

    const check = await watchOnce()
    expect(check.code).toBe(0)
    expect(alertsOf(check.lines, 'raised')).toEqual([])
    expect(alertsOf(check.lines, 'cleared').map((alert) => alert.id)).toEqual([first.id])
    expect(check.lines.at(-1)).toMatchObject({ event: 'check', activeAlerts: 0 })

    const after = await watchOnce()
    expect(after.code).toBe(0)
    expect(after.lines.map((line) => line.event)).toEqual(['check'])

    await until(
      'the watcher reports the recovery',
      () => alertsOf(watcherLines(), 'cleared').length > 0,
    )
    expect(alertsOf(watcherLines(), 'cleared').map((alert) => alert.clearedAt !== null)).toEqual([
      true,
    ])
  })

  let second: Alert

  it('crossing again raises one new alert', async () => {
    expect(await fillPastThreshold()).toBeLessThan(THRESHOLD)
    await note(`refilled (${filled} images in all):`)
    const check = await watchOnce()
    expect(check.code).toBe(5)
    const raised = alertsOf(check.lines, 'raised')
    expect(raised).toHaveLength(1)
    second = raised[0]!
    expect(second.id).not.toBe(first.id)

    await until(
      'the watcher reports the second crossing',
      () => alertsOf(watcherLines(), 'raised').length > 1,
    )
    await sleep(3_000)
    // One alert per crossing, cleared in between, whatever the number of checks.
    expect(watcherEvents()).toEqual(['raised', 'cleared', 'raised'])
    expect(new Set(alertsOf(watcherLines(), 'raised').map((alert) => alert.id)).size).toBe(2)
  })

  it('watch --once --auto-clean runs the safe policy on the active alert and re-arms', async () => {
    const check = await watchOnce('--auto-clean')
    expect(check.err).toBe('')
    expect(check.code).toBe(0)
    expect(check.lines.map((line) => line.event)).toEqual(['active', 'cleanup', 'cleared', 'check'])
    const cleanup = check.lines[1] as Extract<WatchLine, { event: 'cleanup' }>
    expect(cleanup.deleted).toBeGreaterThan(0)
    expect(cleanup.reclaimedBytes).toBeGreaterThanOrEqual(loadedBytes - SMALL_IMAGE_BYTES)
    expect(alertsOf(check.lines, 'cleared').map((alert) => alert.id)).toEqual([second.id])
    expect(await eng().freeBytes()).toBeGreaterThanOrEqual(REARM_AT)
    await note('after --auto-clean:')

    // The log records the run as the threshold's.
    const io = recordingIo()
    await runCli(
      ['--host', eng().host, '--db', join(scratch, 'log.sqlite'), '--json', 'history'],
      io,
    )
    const runs = JSON.parse(io.out()) as RunDetail[]
    expect(runs.find((run) => run.id === cleanup.runId)?.trigger).toBe('threshold')

    await until(
      'the watcher reports the second recovery',
      () => alertsOf(watcherLines(), 'cleared').length > 1,
    )
    expect(watcherEvents()).toEqual(['raised', 'cleared', 'raised', 'cleared'])
  })
})
