/**
 * `drydock watch`: the disk monitor in a terminal, for servers and systemd. Checks the engine's
 * usage on an interval against the thresholds (the settings', or the flags'), prints each alert
 * as it is raised or cleared, and with --auto-clean runs the default safe policy on a crossing.
 * `--once` checks and exits: 0 with no alert active, 5 with one.
 *
 * The alerts live in the log, shared with the desktop app, so a crossing the app already
 * reported (or an earlier `watch`) is shown as active, never raised a second time.
 */
import { homedir } from 'node:os'
import { InvalidArgumentError } from 'commander'
import type { CleanResult } from '../../shared/cleanup'
import { parseDuration } from '../../shared/cleanup'
import type { DrydockClient } from '../../shared/contract'
import { DrydockError } from '../../shared/errors'
import { formatBytes } from '../../shared/format'
import type { Alert } from '../../shared/monitor'
import { defaultPolicySelection, type AlertThresholds, type Settings } from '../../shared/settings'
import type { DiskUsage } from '../../shared/usage'
import { DiskMonitor, dockerBytesOf, recoveryMessage } from '../../main/monitor'
import { AlertLog, defaultDatabasePath, openDatabase, type OpenedDatabase } from '../../main/store'
import { reportError } from '../errors'
import { EXIT, type ExitCode } from '../exit-codes'
import type { CliIo, GlobalOptions } from '../io'
import { openCliSession } from '../session'

// --- arguments ------------------------------------------------------------------------------

/** A threshold from the command line: a share of the disk or a size. */
export type Limit = { unit: 'percent'; value: number } | { unit: 'bytes'; value: number }

/** Decimal units as `docker system df` prints them; binary ones for those who think in GiB. */
const SIZE_UNITS: Record<string, number> = {
  b: 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  t: 1e12,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
}

/** `10%`, `5GB`, `500MB`, `1.5GiB`; a bare number is refused, since it could mean either. */
export function parseLimit(text: string): Limit {
  const trimmed = text.trim()
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(trimmed)
  if (percent) {
    const value = Number(percent[1])
    if (value <= 0 || value > 100) {
      throw new InvalidArgumentError(`${trimmed} is not a percentage above 0 and up to 100.`)
    }
    return { unit: 'percent', value }
  }
  const size = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(trimmed)
  const factor = size ? SIZE_UNITS[size[2]!.toLowerCase()] : undefined
  if (size && factor !== undefined)
    return { unit: 'bytes', value: Math.round(Number(size[1]) * factor) }
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    throw new InvalidArgumentError(
      `${trimmed} needs a unit: a share of the disk such as 10% or a size such as 5GB.`,
    )
  }
  throw new InvalidArgumentError(
    'expected a percentage such as 10% or a size such as 5GB or 500MB.',
  )
}

/** Milliseconds between checks: `30s`, `5m`, `1h`; at least a second. */
export function parseInterval(text: string): number {
  const seconds = parseDuration(text)
  if (seconds === null) throw new InvalidArgumentError('expected a duration such as 30s, 5m or 1h.')
  if (seconds < 1) throw new InvalidArgumentError('the interval must be at least 1s.')
  return seconds * 1000
}

export interface WatchFlags {
  freeBelow?: Limit
  usageAbove?: Limit
  /** Milliseconds; default: the settings' sampling interval. */
  interval?: number
  once?: boolean
  autoClean?: boolean
  json?: boolean
}

const NO_THRESHOLDS: AlertThresholds = {
  enabled: true,
  freeBelowPercent: null,
  freeBelowBytes: null,
  usageAbovePercent: null,
  usageAboveBytes: null,
}

/**
 * The settings' thresholds with the flags applied. A flag replaces its whole check (both the
 * percentage and the size of the settings), and turns checking on even if the settings have
 * alerts off; the other check then keeps what the settings say.
 */
export function thresholdsFor(settings: Settings, flags: WatchFlags): AlertThresholds {
  const base = settings.alerts.enabled ? settings.alerts : NO_THRESHOLDS
  let thresholds: AlertThresholds = { ...base, enabled: true }
  if (flags.freeBelow) {
    thresholds = {
      ...thresholds,
      freeBelowPercent: flags.freeBelow.unit === 'percent' ? flags.freeBelow.value : null,
      freeBelowBytes: flags.freeBelow.unit === 'bytes' ? flags.freeBelow.value : null,
    }
  }
  if (flags.usageAbove) {
    thresholds = {
      ...thresholds,
      usageAbovePercent: flags.usageAbove.unit === 'percent' ? flags.usageAbove.value : null,
      usageAboveBytes: flags.usageAbove.unit === 'bytes' ? flags.usageAbove.value : null,
    }
  }
  return thresholds
}

function describeThresholds(t: AlertThresholds): string {
  const either = (percent: number | null, bytes: number | null): string =>
    [percent === null ? null : `${percent}%`, bytes === null ? null : formatBytes(bytes)]
      .filter((part) => part !== null)
      .join(' or ')
  const checks: string[] = []
  if (t.freeBelowPercent !== null || t.freeBelowBytes !== null) {
    checks.push(`free space below ${either(t.freeBelowPercent, t.freeBelowBytes)}`)
  }
  if (t.usageAbovePercent !== null || t.usageAboveBytes !== null) {
    checks.push(`Docker above ${either(t.usageAbovePercent, t.usageAboveBytes)}`)
  }
  return checks.join(', ')
}

// --- output ---------------------------------------------------------------------------------

function localTime(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`
}

/** One line per event: words for people, one JSON object for scripts. Each alert change once. */
class WatchOutput {
  private readonly shown = new Set<string>()
  /** The latest sample, for the words of a clearing reported by the service. */
  lastUsage: DiskUsage | null = null

  constructor(
    private readonly io: CliIo,
    private readonly json: boolean,
  ) {}

  /** A raised or cleared alert (from this monitor or the service's `alert` events). */
  alert(alert: Alert, how: 'raised' | 'cleared' | 'active'): void {
    const key = `${alert.id}:${alert.clearedAt === null ? 'open' : 'cleared'}`
    if (this.shown.has(key)) return
    this.shown.add(key)
    if (this.json) return this.line({ event: how, alert })
    if (how === 'cleared') {
      const words = this.lastUsage ? recoveryMessage(alert.kind, this.lastUsage) : 'Alert cleared.'
      return this.text(new Date(alert.clearedAt ?? Date.now()), 'CLEARED', words)
    }
    const label = alert.level === 'critical' ? 'CRITICAL' : 'WARNING'
    const since = how === 'active' ? ` (active since ${localTime(new Date(alert.raisedAt))})` : ''
    this.text(new Date(alert.raisedAt), label, alert.message + since)
  }

  check(at: Date, usage: DiskUsage, active: number): void {
    const docker = dockerBytesOf(usage)
    if (this.json) {
      return this.line({
        event: 'check',
        at: at.toISOString(),
        freeBytes: usage.freeBytes,
        totalBytes: usage.totalBytes,
        dockerBytes: docker,
        activeAlerts: active,
      })
    }
    const disk =
      usage.freeBytes === null || usage.totalBytes === null
        ? 'free space unknown (remote engine)'
        : `${formatBytes(usage.freeBytes)} free of ${formatBytes(usage.totalBytes)}`
    const alerts = active === 0 ? 'no alert' : `${active} alert${active === 1 ? '' : 's'} active`
    this.text(at, 'OK', `${disk}; Docker uses ${formatBytes(docker)}; ${alerts}.`)
  }

  cleaned(at: Date, result: CleanResult | null): void {
    const count = (outcome: string) =>
      result?.items.filter((item) => item.outcome === outcome).length ?? 0
    if (this.json) {
      return this.line({
        event: 'cleanup',
        at: at.toISOString(),
        runId: result?.runId ?? null,
        status: result?.status ?? 'nothing-to-do',
        predictedBytes: result?.predictedBytes ?? 0,
        reclaimedBytes: result?.reclaimedBytes ?? 0,
        deleted: count('deleted'),
        untagged: count('untagged'),
        failed: count('failed'),
      })
    }
    if (!result) return this.text(at, 'CLEANUP', 'The default safe policy finds nothing to remove.')
    const failed = count('failed') > 0 ? `, ${count('failed')} failed` : ''
    this.text(
      at,
      'CLEANUP',
      `Freed ${formatBytes(result.reclaimedBytes)}: ${count('deleted')} deleted, ${count('untagged')} untagged${failed} (run ${result.runId}).`,
    )
  }

  reachability(at: Date, reachable: boolean, message: string): void {
    if (this.json) {
      return this.line({
        event: reachable ? 'reachable' : 'unreachable',
        at: at.toISOString(),
        message,
      })
    }
    this.text(at, reachable ? 'ONLINE' : 'OFFLINE', message)
  }

  error(at: Date, message: string): void {
    if (this.json) return this.line({ event: 'error', at: at.toISOString(), message })
    this.text(at, 'ERROR', message)
  }

  note(text: string): void {
    if (!this.json) this.io.stdout.write(`${text}\n`)
  }

  private text(at: Date, label: string, words: string): void {
    this.io.stdout.write(`${localTime(at)}  ${label.padEnd(8)} ${words}\n`)
  }

  private line(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value)}\n`)
  }
}

// --- the command ----------------------------------------------------------------------------

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** What "Clean up safely" frees now: the service's count, else a plan of the default policy. */
async function reclaimableBytes(client: DrydockClient, settings: Settings): Promise<number | null> {
  try {
    return (await client.getReclaimable()).defaultPolicyBytes
  } catch {
    // Not available from this service (yet): the plan says the same thing, more slowly.
  }
  try {
    return (await client.planCleanup(defaultPolicySelection(settings))).reclaimBytes
  } catch {
    return null
  }
}

type CheckOutcome = { ok: true; active: Alert[] } | { ok: false; error: unknown }

export async function watchCommand(
  io: CliIo,
  options: GlobalOptions,
  flags: WatchFlags,
): Promise<ExitCode> {
  const json = options.json || flags.json === true
  const dbPath = options.db ?? defaultDatabasePath(io.env, process.platform, homedir())
  // The alerts are the log's: without it, every `watch --once` would report a fresh crossing.
  let database: OpenedDatabase
  try {
    database = openDatabase(dbPath)
  } catch (error) {
    return reportError(io, new DrydockError('log-unusable', messageOf(error)))
  }
  const session = openCliSession(options, io)
  const client = session.client
  const out = new WatchOutput(io, json)
  // Asked for once and shared: each call adds signal handlers in the real terminal's CliIo.
  let interruption: Promise<void> | null = null
  const interrupted = (): Promise<void> => (interruption ??= io.untilInterrupted())
  const unsubscribe = client.subscribe((event) => {
    if (event.name === 'alert') {
      out.alert(event.payload, event.payload.clearedAt === null ? 'raised' : 'cleared')
    }
  })
  try {
    let settings = await client.getSettings()
    if (!hasAnyCheck(thresholdsFor(settings, flags))) {
      return reportError(
        io,
        new DrydockError(
          'invalid-request',
          'No threshold to watch: alerts are off in the settings; pass --free-below or --usage-above.',
        ),
      )
    }
    // Own thresholds, own alerts: checked against other thresholds, the app's alerts (and this
    // watch's) would be cleared and raised again by turns.
    const scope =
      flags.freeBelow || flags.usageAbove
        ? `watch: ${describeThresholds(thresholdsFor(settings, flags))}`
        : 'settings'
    const monitor = new DiskMonitor({
      thresholds: () => thresholdsFor(settings, flags),
      alertLog: new AlertLog(database.db, scope),
    })

    let offline = false
    let first = true
    const check = async (): Promise<CheckOutcome> => {
      settings = await client.getSettings()
      const usage = await readUsage(client, offline)
      const now = new Date()
      if (!usage.ok) {
        if (!offline) out.reachability(now, false, messageOf(usage.error))
        offline = true
        return usage
      }
      if (offline) out.reachability(now, true, `The engine at ${usage.host} answers again.`)
      offline = false
      const active = await evaluate(usage.host, usage.usage, first)
      first = false
      return { ok: true, active }
    }

    /** One sample through the monitor; auto-clean on a crossing, then look again. */
    const evaluate = async (host: string, usage: DiskUsage, isFirst: boolean): Promise<Alert[]> => {
      out.lastUsage = usage
      const reclaimable = monitor.wouldRaise({ host, usage })
        ? await reclaimableBytes(client, settings)
        : null
      const { raised, cleared } = monitor.observe({ host, usage, reclaimableBytes: reclaimable })
      if (isFirst) {
        const fresh = new Set(raised.map((alert) => alert.id))
        for (const alert of monitor.state().active) {
          if (!fresh.has(alert.id)) out.alert(alert, 'active')
        }
      }
      for (const alert of raised) out.alert(alert, 'raised')
      for (const alert of cleared) out.alert(alert, 'cleared')
      const active = monitor.state().active
      if (flags.autoClean && (raised.length > 0 || (isFirst && active.length > 0))) {
        await autoClean()
        const again = await readUsage(client, false)
        if (again.ok) return evaluate(again.host, again.usage, false)
      }
      return active
    }

    const autoClean = async (): Promise<void> => {
      try {
        const plan = await client.planCleanup(defaultPolicySelection(settings))
        if (!plan.items.some((item) => item.requests.length > 0)) {
          out.cleaned(new Date(), null)
          return
        }
        out.cleaned(new Date(), await runCleanup(client, interrupted(), plan.id))
      } catch (error) {
        out.error(new Date(), `Auto-clean failed: ${messageOf(error)}`)
      }
    }

    if (flags.once) {
      const outcome = await check()
      if (!outcome.ok) return reportError(io, outcome.error)
      if (out.lastUsage) out.check(new Date(), out.lastUsage, outcome.active.length)
      return outcome.active.length > 0 ? EXIT.alertActive : EXIT.ok
    }

    const intervalMs = flags.interval ?? settings.samplingIntervalMinutes * 60_000
    out.note(
      `Watching ${(await client.getConnection()).host} every ${describeInterval(intervalMs)}: ${describeThresholds(thresholdsFor(settings, flags))}${flags.autoClean ? '; auto-clean on' : ''}. Ctrl-C stops.`,
    )
    const stopped = interrupted().then(() => true)
    let lastFailure: string | null = null
    for (;;) {
      try {
        await check()
        lastFailure = null
      } catch (error) {
        // E.g. the log cannot be written on a full disk: say so (once), keep watching.
        const message = messageOf(error)
        if (message !== lastFailure) out.error(new Date(), message)
        lastFailure = message
      }
      let timer: NodeJS.Timeout | undefined
      const tick = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), intervalMs)
      })
      const stop = await Promise.race([tick, stopped])
      clearTimeout(timer)
      if (stop) return EXIT.ok
    }
  } catch (error) {
    return reportError(io, error)
  } finally {
    unsubscribe()
    session.close()
    database.close()
  }
}

function hasAnyCheck(t: AlertThresholds): boolean {
  return [t.freeBelowPercent, t.freeBelowBytes, t.usageAbovePercent, t.usageAboveBytes].some(
    (value) => value !== null,
  )
}

function describeInterval(ms: number): string {
  const seconds = ms / 1000
  if (seconds % 3600 === 0) return `${seconds / 3600}h`
  if (seconds % 60 === 0) return `${seconds / 60}m`
  return `${seconds}s`
}

async function readUsage(
  client: DrydockClient,
  reconnect: boolean,
): Promise<{ ok: true; host: string; usage: DiskUsage } | { ok: false; error: unknown }> {
  try {
    // After a failure the service keeps its "unreachable" state until asked to connect again.
    if (reconnect) await client.reconnect()
    const usage = await client.getDiskUsage()
    return { ok: true, host: (await client.getConnection()).host, usage }
  } catch (error) {
    return { ok: false, error }
  }
}

/** Runs the plan as the threshold's cleanup; Ctrl-C stops it between items, as `clean` does. */
async function runCleanup(
  client: DrydockClient,
  interrupted: Promise<void>,
  planId: string,
): Promise<CleanResult> {
  let runId: string | null = null
  const unsubscribe = client.subscribe((event) => {
    if (event.name === 'progress') runId = event.payload.jobId
  })
  let running = true
  void interrupted.then(() => {
    if (running && runId) void client.cancelCleanup({ runId })
  })
  try {
    return await client.runCleanup({ planId, trigger: 'threshold' })
  } finally {
    running = false
    unsubscribe()
  }
}
