/**
 * What the fault suite shares: the built CLI as a child process (exit codes and stderr are what
 * users see), the table of scenarios and outcomes each file prints, private engines that can be
 * SIGKILLed, and the probe that decides whether the suite can run here.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { probeTestEngine } from '../support/test-engine'

export const drydockBin = join(__dirname, '../../bin/drydock.js')

/** CI never skips: a suite that cannot run there fails. */
export async function requireFaultEnvironment(): Promise<{ skip: boolean; reason: string | null }> {
  const probe = await probeTestEngine()
  if (!probe.ok && process.env.CI === 'true') {
    throw new Error(`${probe.reason} (CI=true: the fault suite may not be skipped)`)
  }
  if (!probe.ok) console.warn(`skipping the fault suite: ${probe.reason}`)
  return probe.ok ? { skip: false, reason: null } : { skip: true, reason: probe.reason }
}

// --- the CLI as users run it ----------------------------------------------------------------

export interface CliRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  ms: number
}

export interface CliOptions {
  env?: Record<string, string | undefined>
  /** Killed (SIGKILL) after this long; the result then has signal set. */
  killAfterMs?: number
  /** Run as another user (argv prefix such as ['setpriv', '--reuid=65534', ...]). */
  wrapper?: string[]
  cwd?: string
}

export interface CliChild {
  pid: number
  done: Promise<CliRun>
}

export function startCli(args: string[], options: CliOptions = {}): CliChild {
  const started = performance.now()
  const argv = [...(options.wrapper ?? []), process.execPath, drydockBin, ...args]
  const child = spawn(argv[0]!, argv.slice(1), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DRYDOCK_CHECK_RESPONSES: '1', ...options.env },
    cwd: options.cwd,
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const timer =
    options.killAfterMs === undefined
      ? null
      : setTimeout(() => child.kill('SIGKILL'), options.killAfterMs)
  const done = new Promise<CliRun>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code, signal) => {
      if (timer) clearTimeout(timer)
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started })
    })
  })
  return { pid: child.pid ?? -1, done }
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  return startCli(args, options).done
}

/** The CLI's failure sentence: exactly one line on stderr, `drydock: <sentence>.` */
export function oneSentence(stderr: string): string | null {
  const lines = stderr.split('\n').filter((line) => line.trim() !== '')
  if (lines.length !== 1) return null
  const match = /^drydock: ([A-Z].{10,}[.)])$/.exec(lines[0]!)
  return match ? match[1]! : null
}

// --- the journal, read from the side ---------------------------------------------------------

/** Items with an outcome in the log (0 while it does not exist yet or is busy). */
export function recordedOutcomes(db: string): number {
  try {
    const reader = new Database(db, { readonly: true, fileMustExist: true })
    try {
      const row = reader
        .prepare('SELECT count(*) AS n FROM run_items WHERE outcome IS NOT NULL')
        .get() as { n: number }
      return row.n
    } finally {
      reader.close()
    }
  } catch {
    return 0
  }
}

// --- engines ----------------------------------------------------------------------------------

/** The state directory of a private engine (scripts/test-engine.sh), from its socket URL. */
export function engineDirOf(host: string): string {
  const match = /^unix:\/\/(.+)\/docker\.sock$/.exec(host)
  if (!match) throw new Error(`not a private engine socket: ${host}`)
  return match[1]!
}

function pidFrom(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim())
    return Number.isInteger(pid) && pid > 1 ? pid : null
  } catch {
    return null
  }
}

function cmdlineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')
  } catch {
    return ''
  }
}

/**
 * SIGKILLs a private engine's dockerd and its containerd, by the PIDs in its state directory,
 * each only when its command line names that directory (never another engine). Returns the PIDs.
 */
export function killEngine(host: string): number[] {
  const dir = engineDirOf(host)
  const killed: number[] = []
  for (const file of ['dockerd.pid', 'containerd.pid']) {
    const pid = pidFrom(join(dir, file))
    if (pid === null || !cmdlineOf(pid).includes(`${dir}/`)) continue
    process.kill(pid, 'SIGKILL')
    killed.push(pid)
  }
  return killed
}

export async function waitGone(pids: number[], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (const pid of pids) {
    while (Date.now() < deadline) {
      try {
        process.kill(pid, 0)
      } catch {
        break
      }
      await sleep(20)
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** A reproducible random sequence (the seed is printed, so a failure can be replayed). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1
  return () => {
    // xorshift32
    state ^= state << 13
    state >>>= 0
    state ^= state >>> 17
    state ^= state << 5
    state >>>= 0
    return state / 0x1_0000_0000
  }
}

export const SEED = Number(process.env.DRYDOCK_FAULT_SEED ?? Date.now() % 1_000_000)

// --- the table --------------------------------------------------------------------------------

export interface FaultRow {
  scenario: string
  outcome: string
  held: boolean
  ms?: number
}

/** The rows of one file, printed when it ends (console.info: vitest shows it). */
export class FaultTable {
  private readonly rows: FaultRow[] = []

  constructor(private readonly title: string) {}

  add(row: FaultRow): void {
    this.rows.push(row)
  }

  /** Records a check: the row says whether it held, the assertion failing is the test's job. */
  check(scenario: string, held: boolean, outcome: string, ms?: number): boolean {
    this.add({ scenario, outcome, held, ...(ms === undefined ? {} : { ms }) })
    return held
  }

  get allHeld(): boolean {
    return this.rows.length > 0 && this.rows.every((row) => row.held)
  }

  render(): string {
    const header = ['scenario', 'held', 'time', 'outcome']
    const cells = this.rows.map((row) => [
      row.scenario,
      row.held ? 'yes' : 'NO',
      row.ms === undefined ? '' : formatMs(row.ms),
      row.outcome,
    ])
    const widths = header.map((title, i) =>
      Math.min(i === 3 ? 120 : 60, Math.max(title.length, ...cells.map((row) => row[i]!.length))),
    )
    const line = (values: string[]) =>
      `| ${values.map((value, i) => value.padEnd(widths[i]!)).join(' | ')} |`
    return [
      `\n${this.title} (seed ${SEED})`,
      line(header),
      `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
      ...cells.map(line),
      this.allHeld ? 'every scenario held' : 'SOME SCENARIOS DID NOT HOLD',
    ].join('\n')
  }

  print(): void {
    console.info(this.render())
  }
}

export function formatMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`
}
