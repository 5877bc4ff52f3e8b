/**
 * `drydock watch` without an engine: its arguments, the thresholds it derives from the settings
 * and the flags, and what it does when the log or the engine is missing — or when the engine
 * answers with an error (a stub engine on a unix socket: a real one fails a df only by chance).
 */
import { mkdirSync } from 'node:fs'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseInterval, parseLimit, thresholdsFor } from '../../src/cli/commands/watch'
import { runCli } from '../../src/cli/program'
import { openDatabase, SettingsStore } from '../../src/core/store'
import { DEFAULT_SETTINGS } from '../../src/shared/settings'
import { recordingIo } from '../support/cli-io'
import { tempDir } from '../support/temp-dir'

const NOWHERE = 'unix:///nonexistent/drydock.sock'

/** `drydock watch --json` checking every second on `host`, interrupted after three checks: the
 * lines it printed. */
async function watchThreeChecks(host: string): Promise<{ event: string; message: string }[]> {
  const io = recordingIo()
  const db = join(tempDir(), 'log.sqlite')
  const args = ['--host', host, '--db', db, 'watch', '--interval', '1s', '--json']
  const running = runCli([...args, '--free-below', '5%'], io)
  await new Promise((resolve) => setTimeout(resolve, 2_300))
  io.interrupt()
  await expect(running).resolves.toBe(0)
  return io
    .out()
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { event: string; message: string })
}

describe('drydock watch arguments', () => {
  it.each([
    [['--free-below', '120%'], /120% is not a percentage above 0 and up to 100\./],
    [['--free-below', '0%'], /0% is not a percentage/],
    [['--free-below', '10'], /10 needs a unit: a share of the disk such as 10% or a size/],
    [['--free-below', 'lots'], /expected a percentage such as 10% or a size such as 5GB/],
    [['--usage-above', '5XB'], /expected a percentage such as 10% or a size/],
    [['--interval', '5x'], /expected a duration such as 30s, 5m or 1h\./],
    [['--interval', '0s'], /the interval must be at least 1s\./],
    [['--interval'], /argument missing/],
    [['--bogus'], /unknown option '--bogus'/],
  ])('exits 2 with one clear sentence for %j', async (args, message) => {
    const io = recordingIo()
    await expect(runCli(['--host', NOWHERE, 'watch', ...args], io)).resolves.toBe(2)
    expect(io.err()).toMatch(message)
    expect(io.out()).toBe('')
  })

  it('lists its options in --help', async () => {
    const io = recordingIo()
    await expect(runCli(['watch', '--help'], io)).resolves.toBe(0)
    for (const option of [
      '--free-below',
      '--usage-above',
      '--interval',
      '--once',
      '--auto-clean',
      '--json',
    ]) {
      expect(io.out()).toContain(option)
    }
  })

  it('reads percentages and sizes in decimal and binary units', () => {
    expect(parseLimit('10%')).toEqual({ unit: 'percent', value: 10 })
    expect(parseLimit('2.5%')).toEqual({ unit: 'percent', value: 2.5 })
    expect(parseLimit('100%')).toEqual({ unit: 'percent', value: 100 })
    expect(parseLimit('5GB')).toEqual({ unit: 'bytes', value: 5_000_000_000 })
    expect(parseLimit('500mb')).toEqual({ unit: 'bytes', value: 500_000_000 })
    expect(parseLimit('80M')).toEqual({ unit: 'bytes', value: 80_000_000 })
    expect(parseLimit('1.5GiB')).toEqual({ unit: 'bytes', value: 1_610_612_736 })
    expect(parseLimit('0B')).toEqual({ unit: 'bytes', value: 0 })
    expect(parseInterval('1s')).toBe(1000)
    expect(parseInterval('15m')).toBe(900_000)
  })
})

describe('drydock watch thresholds', () => {
  it('uses the settings when no flag is given', () => {
    expect(thresholdsFor(DEFAULT_SETTINGS, {})).toEqual(DEFAULT_SETTINGS.alerts)
  })

  it('lets a flag replace its whole check, percentage and size alike', () => {
    expect(thresholdsFor(DEFAULT_SETTINGS, { freeBelow: { unit: 'bytes', value: 80e6 } })).toEqual({
      enabled: true,
      freeBelowPercent: null,
      freeBelowBytes: 80e6,
      usageAbovePercent: null,
      usageAboveBytes: null,
    })
    expect(thresholdsFor(DEFAULT_SETTINGS, { usageAbove: { unit: 'percent', value: 30 } })).toEqual(
      { ...DEFAULT_SETTINGS.alerts, usageAbovePercent: 30, usageAboveBytes: null },
    )
  })

  it('with alerts off in the settings, watches only what the flags ask for', () => {
    const off = {
      ...DEFAULT_SETTINGS,
      alerts: { ...DEFAULT_SETTINGS.alerts, enabled: false, usageAboveBytes: 1e9 },
    }
    expect(thresholdsFor(off, { freeBelow: { unit: 'percent', value: 5 } })).toEqual({
      enabled: true,
      freeBelowPercent: 5,
      freeBelowBytes: null,
      usageAbovePercent: null,
      usageAboveBytes: null,
    })
  })

  it('exits 2 when the settings have alerts off and no flag gives a threshold', async () => {
    const db = join(tempDir(), 'log.sqlite')
    const opened = openDatabase(db)
    new SettingsStore(opened.db).update({ alerts: { enabled: false } })
    opened.close()
    const io = recordingIo()
    await expect(runCli(['--host', NOWHERE, '--db', db, 'watch', '--once'], io)).resolves.toBe(2)
    expect(io.err()).toBe(
      'drydock: No threshold to watch: alerts are off in the settings; pass --free-below or --usage-above.\n',
    )
  })
})

describe('drydock watch without a log or an engine', () => {
  it('exits 4 when the log cannot be used, naming it', async () => {
    const dir = join(tempDir(), 'a-directory')
    mkdirSync(dir)
    const io = recordingIo()
    await expect(runCli(['--host', NOWHERE, '--db', dir, 'watch', '--once'], io)).resolves.toBe(4)
    expect(io.err()).toMatch(/Cannot use the Drydock log at .*a-directory: the path is a directory/)
  })

  it('--once exits 3 when the engine cannot be reached', async () => {
    const io = recordingIo()
    const db = join(tempDir(), 'log.sqlite')
    await expect(runCli(['--host', NOWHERE, '--db', db, 'watch', '--once'], io)).resolves.toBe(3)
    expect(io.err()).toMatch(/^drydock: Cannot reach the Docker engine at unix:\/\/\/nonexistent/)
  })

  it('keeps watching an unreachable engine, saying so once, until interrupted', async () => {
    expect(await watchThreeChecks(NOWHERE)).toEqual([
      {
        event: 'unreachable',
        at: expect.any(String),
        message: expect.stringMatching(/^Cannot reach the Docker engine/),
      },
    ])
  })

  it('reports an engine that answers a check with an error as an error, not unreachable (stub engine)', async () => {
    const socket = join(tempDir(), 'engine.sock')
    const asked: string[] = []
    const engine = createServer((req, res) => {
      const path = (req.url ?? '').replace(/^\/v[\d.]+/, '').split('?')[0]!
      asked.push(path)
      res.setHeader('Api-Version', '1.41')
      res.setHeader('Server', 'Docker/20.10.24 (linux)')
      res.setHeader('Content-Type', 'application/json')
      if (path === '/_ping') return void res.end('OK')
      if (path === '/info') {
        return void res.end(
          JSON.stringify({
            ID: 'STUB',
            Name: 'stub',
            ServerVersion: '20.10.24',
            OSType: 'windows',
          }),
        )
      }
      res.statusCode = 500
      res.end(JSON.stringify({ message: 'the disk usage walk failed' }))
    })
    await new Promise<void>((resolve) => engine.listen(socket, resolve))
    try {
      // Said once while it lasts; the engine is not called offline.
      expect(await watchThreeChecks(`unix://${socket}`)).toEqual([
        {
          event: 'error',
          at: expect.any(String),
          message: expect.stringMatching(/the disk usage walk failed/),
        },
      ])
      expect(asked.filter((path) => path === '/system/df').length).toBeGreaterThanOrEqual(3)
    } finally {
      engine.closeAllConnections()
      await new Promise((resolve) => engine.close(resolve))
    }
  })
})
