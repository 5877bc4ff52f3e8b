// Timing and peak memory of child processes. Every command the benchmark compares (drydock, the
// floor script, the docker CLI) is run the same way: spawned from here, wall time from spawn to
// exit, peak RSS and CPU time from GNU time (%M, %U, %S: the kernel's figures for the child), so no
// contender gets a cheaper launch than another. CPU time matters on a small machine: the client's
// CPU competes with the engine's.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const GNU_TIME = '/usr/bin/time'
const hasGnuTime = existsSync(GNU_TIME)

/**
 * Runs a command to completion. Resolves with { ms, rssMb, cpuMs, code, stdout, stderr }; never rejects
 * for a non-zero exit (the caller decides), only when the command cannot be started.
 */
export async function timed(command, args, { env } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'dd-bench-time-'))
  const usageFile = join(dir, 'usage')
  const [file, argv] = hasGnuTime
    ? [GNU_TIME, ['-f', '%M %U %S', '-o', usageFile, command, ...args]]
    : [command, args]
  try {
    const started = performance.now()
    const child = spawn(file, argv, { env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] })
    const peak = hasGnuTime ? null : watchPeak(child.pid)
    const stdout = []
    const stderr = []
    child.stdout.on('data', (chunk) => stdout.push(chunk))
    child.stderr.on('data', (chunk) => stderr.push(chunk))
    const code = await new Promise((resolve, reject) => {
      child.on('error', reject)
      child.on('close', (exitCode) => resolve(exitCode))
    })
    const ms = performance.now() - started
    // GNU time writes "Command exited with non-zero status N" first when the command fails.
    const usage = hasGnuTime
      ? (await readFile(usageFile, 'utf8')).trim().split('\n').pop().split(' ').map(Number)
      : [peak.stop(), NaN, NaN]
    const [rssKb, userS, systemS] = usage
    return {
      ms,
      rssMb: rssKb / 1024,
      cpuMs: (userS + systemS) * 1000,
      code,
      stdout: Buffer.concat(stdout).toString('utf8'),
      stderr: Buffer.concat(stderr).toString('utf8'),
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Without GNU time: poll the child's VmHWM (peak RSS) until it exits. Coarser, but close. */
function watchPeak(pid) {
  let peakKb = 0
  const poll = async () => {
    try {
      const status = await readFile(`/proc/${pid}/status`, 'utf8')
      const match = /VmHWM:\s+(\d+) kB/.exec(status)
      if (match) peakKb = Math.max(peakKb, Number(match[1]))
    } catch {
      // gone
    }
  }
  const timer = setInterval(poll, 5)
  return {
    stop() {
      clearInterval(timer)
      return peakKb
    },
  }
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** { median, min, max, runs } of a list of numbers. */
export function summary(values) {
  return {
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    runs: values.length,
  }
}

/** Runs `command` `times` times and fails loudly on a non-zero exit. */
export async function repeat(times, run) {
  const results = []
  for (let i = 0; i < times; i++) results.push(await run(i))
  return results
}

export function checkExit(result, what) {
  if (result.code !== 0) {
    throw new Error(`${what} exited with ${result.code}: ${result.stderr.trim().slice(0, 2000)}`)
  }
  return result
}
