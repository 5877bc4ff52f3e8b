/**
 * `drydock watch`: the disk monitor in a terminal, for servers and systemd. Checks the engine's
 * usage on an interval against the thresholds (the settings', or the flags'), prints each alert
 * as it is raised or cleared, and with --auto-clean runs the default safe policy on a crossing.
 * `--once` checks and exits: 0 with no alert active, 5 with one.
 *
 * The alerts live in the log, shared with the desktop app, so a crossing the app already
 * reported (or an earlier `watch`) is shown as active, never raised a second time.
 */
import { InvalidArgumentError } from 'commander'
import { countOutcomes, parseDuration, type CleanResult } from '../../shared/cleanup'
import type { DrydockClient } from '../../shared/contract'
import { DrydockError, errorMessage } from '../../shared/errors'
import { formatBytes } from '../../shared/format'
import { runPlanToEnd } from '../../shared/run-plan'
import { forTerminal } from '../../shared/sanitize'
import { parseSize } from '../../shared/size'
import type { Alert } from '../../shared/monitor'
import { automaticSelection, type AlertThresholds, type Settings } from '../../shared/settings'
import type { DiskUsage } from '../../shared/usage'
import { dockerBytesOf, recoveryMessage } from '../../core/monitor'
import type { Sample, Sampler } from '../../core/sampler'
import { reportError } from '../errors'
import { EXIT, type ExitCode } from '../exit-codes'
import type { CliIo, GlobalOptions } from '../io'
import { openCliSession } from '../session'

// --- arguments ------------------------------------------------------------------------------

/** A threshold from the command line: a share of the disk or a size. */
export type Limit = { unit: 'percent'; value: number } | { unit: 'bytes'; value: number }

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
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    throw new InvalidArgumentError(
      `${trimmed} needs a unit: a share of the disk such as 10% or a size such as 5GB.`,
    )
  }
  const size = parseSize(trimmed)
  if (size.ok && size.bytes !== null) return { unit: 'bytes', value: size.bytes }
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
  /** The policy --auto-clean runs: a size target, or what `docker system prune` removes. */
  targetSize?: number
  system?: boolean
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
        freeSource: usage.freeSource,
        ...(usage.hostDisk ? { hostFreeBytes: usage.hostDisk.freeBytes } : {}),
        dockerBytes: docker,
        activeAlerts: active,
      })
    }
    const disk =
      usage.freeBytes === null
        ? 'free space unknown (could not be measured inside the engine)'
        : usage.totalBytes === null
          ? `${formatBytes(usage.freeBytes)} free`
          : `${formatBytes(usage.freeBytes)} free of ${formatBytes(usage.totalBytes)}` +
            (usage.hostDisk ? ` (host disk: ${formatBytes(usage.hostDisk.freeBytes)} free)` : '')
    const alerts = active === 0 ? 'no alert' : `${active} alert${active === 1 ? '' : 's'} active`
    this.text(at, 'OK', `${disk}; Docker uses ${formatBytes(docker)}; ${alerts}.`)
  }

  cleaned(at: Date, result: CleanResult | null): void {
    const count = countOutcomes(result?.items ?? [])
    if (this.json) {
      return this.line({
        event: 'cleanup',
        at: at.toISOString(),
        runId: result?.runId ?? null,
        status: result?.status ?? 'nothing-to-do',
        predictedBytes: result?.predictedBytes ?? 0,
        reclaimedBytes: result?.reclaimedBytes ?? 0,
        deleted: count.deleted,
        untagged: count.untagged,
        failed: count.failed,
      })
    }
    if (!result) return this.text(at, 'CLEANUP', 'The default safe policy finds nothing to remove.')
    const failed = count.failed > 0 ? `, ${count.failed} failed` : ''
    this.text(
      at,
      'CLEANUP',
      `Freed ${formatBytes(result.reclaimedBytes)}: ${count.deleted} deleted, ${count.untagged} untagged${failed} (run ${result.runId}).`,
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
    this.io.stdout.write(`${localTime(at)}  ${label.padEnd(8)} ${forTerminal(words)}\n`)
  }

  private line(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value)}\n`)
  }
}

// --- the command ----------------------------------------------------------------------------

type CheckOutcome = { ok: true; active: Alert[] } | { ok: false; error: unknown }

export async function watchCommand(
  io: CliIo,
  options: GlobalOptions,
  flags: WatchFlags,
): Promise<ExitCode> {
  const json = options.json || flags.json === true
  const session = openCliSession(options, io)
  const { client, service } = session
  // The alerts are the log's: without it, every `watch --once` would report a fresh crossing.
  try {
    service.log.open()
  } catch (error) {
    session.close()
    return reportError(io, error)
  }
  const out = new WatchOutput(io, json)
  // Asked for once and shared: each call adds signal handlers in the real terminal's CliIo.
  let interruption: Promise<void> | null = null
  const interrupted = (): Promise<void> => (interruption ??= io.untilInterrupted())
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
    // The service's sampler, with this watch's thresholds. Own thresholds, own alerts: checked
    // against other thresholds, the app's alerts (and this watch's) would be cleared and raised
    // again by turns.
    const sampler = service.createSampler({
      thresholds: () => thresholdsFor(settings, flags),
      // A probe of free space (VM and remote engines) is reused for up to one check interval.
      ...(flags.interval !== undefined ? { intervalMs: flags.interval } : {}),
      scope:
        flags.freeBelow || flags.usageAbove
          ? `watch: ${describeThresholds(thresholdsFor(settings, flags))}`
          : 'settings',
    })

    let offline = false
    let first = true
    const check = async (): Promise<CheckOutcome> => {
      settings = await client.getSettings()
      const now = new Date()
      let sample: Sample
      try {
        sample = await takeSample(client, sampler, offline)
      } catch (error) {
        // An engine that answered with an error is not offline: the check failed, say why.
        if (!lostEngine(error)) {
          if (offline) {
            const { host } = await client.getConnection()
            out.reachability(now, true, `The engine at ${host} answers again.`)
          }
          offline = false
          throw error
        }
        if (!offline) out.reachability(now, false, errorMessage(error))
        offline = true
        return { ok: false, error }
      }
      if (offline) out.reachability(now, true, `The engine at ${sample.host} answers again.`)
      offline = false
      const active = await evaluate(sample, first)
      first = false
      return { ok: true, active }
    }

    /** One sample's alerts; auto-clean on a crossing, then look again. */
    const evaluate = async (sample: Sample, isFirst: boolean): Promise<Alert[]> => {
      out.lastUsage = sample.usage
      if (isFirst) {
        const fresh = new Set(sample.raised.map((alert) => alert.id))
        for (const alert of sampler.monitorState().active) {
          if (!fresh.has(alert.id)) out.alert(alert, 'active')
        }
      }
      for (const alert of sample.raised) out.alert(alert, 'raised')
      for (const alert of sample.cleared) out.alert(alert, 'cleared')
      const active = sampler.monitorState().active
      if (flags.autoClean && (sample.raised.length > 0 || (isFirst && active.length > 0))) {
        await autoClean()
        const again = await takeSample(client, sampler, false).catch(() => null)
        if (again) return evaluate(again, false)
      }
      return active
    }

    const autoClean = async (): Promise<void> => {
      try {
        // The same policies as the app's automatic cleanup (shared/settings automaticSelection).
        const plan = await client.planCleanup(
          automaticSelection(
            flags.targetSize !== undefined
              ? { kind: 'target-size', bytes: flags.targetSize }
              : flags.system
                ? { kind: 'system' }
                : { kind: 'default' },
          ),
        )
        if (!plan.items.some((item) => item.requests.length > 0)) {
          out.cleaned(new Date(), null)
          return
        }
        out.cleaned(new Date(), await runCleanup(client, interrupted(), plan.id))
      } catch (error) {
        out.error(new Date(), `Auto-clean failed: ${errorMessage(error)}`)
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
        const message = errorMessage(error)
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
    session.close()
  }
}

/** Whether a failed sample means the engine cannot be reached (not one read's error). */
export function lostEngine(error: unknown): boolean {
  if (error instanceof DrydockError) {
    return error.code === 'engine-unreachable' || error.code === 'invalid-host'
  }
  // An HTTP status is an answer.
  return typeof (error as { statusCode?: unknown } | null)?.statusCode !== 'number'
}

/** A sample, or why there is none. After a failure the service keeps its "unreachable" state
 * until asked to connect again. */
async function takeSample(
  client: DrydockClient,
  sampler: Sampler,
  reconnect: boolean,
): Promise<Sample> {
  if (reconnect) await client.reconnect()
  const sample = await sampler.sample()
  if (sample) return sample
  const state = await client.getConnection()
  throw new DrydockError(
    'engine-unreachable',
    state.status === 'unreachable' ? state.reason : `Cannot reach the engine at ${state.host}.`,
  )
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

/** Runs the plan as the threshold's cleanup; Ctrl-C stops it between items, as `clean` does. */
async function runCleanup(
  client: DrydockClient,
  interrupted: Promise<void>,
  planId: string,
): Promise<CleanResult> {
  let runId: string | null = null
  let running = true
  void interrupted.then(() => {
    if (running && runId) void client.cancelCleanup({ runId })
  })
  try {
    return await runPlanToEnd(
      client,
      { planId, trigger: 'threshold' },
      { onStarted: (id) => (runId = id) },
    )
  } finally {
    running = false
  }
}
