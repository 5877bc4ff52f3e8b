// Waiting for a quiet machine before measuring: on 2 CPUs, whatever ran just before (a world's
// build, two engines' data roots being deleted, 100,000 log writes) shows in every figure.
import { readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

const QUIET = 0.2
const WINDOW_MS = 3000
const LIMIT_MS = 180_000

/** The CPUs' busy and total ticks so far (busy: neither idle nor waiting on I/O). */
function readCpu() {
  // The first line of /proc/stat: user nice system idle iowait irq softirq steal ...
  const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1)
  const numbers = ticks.map(Number)
  const total = numbers.reduce((a, b) => a + b, 0)
  return { total, busy: total - numbers[3] - numbers[4] }
}

/**
 * Waits until the CPUs were less than 20% busy over 3 s (at most 3 min) and returns a sentence
 * saying how long that took, for the report. Off Linux it returns at once.
 */
export async function settle() {
  if (process.platform !== 'linux') return '(the machine was not checked for quiet: not Linux)'
  const started = Date.now()
  let last = readCpu()
  let share = 1
  while (Date.now() - started < LIMIT_MS) {
    await sleep(WINDOW_MS)
    const now = readCpu()
    share = (now.busy - last.busy) / Math.max(1, now.total - last.total)
    last = now
    if (share < QUIET) break
  }
  const waited = ((Date.now() - started) / 1000).toFixed(0)
  const still = share < QUIET ? '' : ', still busy: the figures are likely inflated'
  return `(waited ${waited} s for the machine to settle: CPUs ${(share * 100).toFixed(0)}% busy over the last 3 s${still})`
}
