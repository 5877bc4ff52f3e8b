// Waiting for a quiet machine before measuring: on 2 CPUs, whatever ran just before (a world's
// build, two engines' data roots being deleted, 100,000 log writes) shows in every figure.
import { readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

const QUIET = 0.2
const WINDOW_MS = 3000
const LIMIT_MS = 180_000

/**
 * The CPUs' busy and total ticks so far. Waiting on I/O counts as busy: the noise is often disk
 * work (a data root being deleted, the log's writes).
 */
function readCpu() {
  // The first line of /proc/stat: user nice system idle iowait irq softirq steal, then guest
  // and guest_nice, which user and nice already count.
  const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/)
  const numbers = ticks.slice(1, 9).map(Number)
  const total = numbers.reduce((a, b) => a + b, 0)
  return { total, busy: total - numbers[3] }
}

/** The share of the CPUs' time that was busy over the next `ms` (null off Linux). */
export async function busyShare(ms = WINDOW_MS) {
  if (process.platform !== 'linux') return null
  const before = readCpu()
  await sleep(ms)
  const after = readCpu()
  return (after.busy - before.busy) / Math.max(1, after.total - before.total)
}

/**
 * Waits until the CPUs were less than 20% busy (or waiting on I/O) over 3 s, at most 3 min, and
 * returns a sentence saying how long that took, for the report. Off Linux it returns at once.
 */
export async function settle() {
  if (process.platform !== 'linux') return '(the machine was not checked for quiet: not Linux)'
  const started = Date.now()
  let share = 1
  while (Date.now() - started < LIMIT_MS) {
    share = await busyShare()
    if (share < QUIET) break
  }
  const waited = ((Date.now() - started) / 1000).toFixed(0)
  const still = share < QUIET ? '' : ', still busy: the figures are likely inflated'
  return `(waited ${waited} s for the machine to settle: CPUs ${(share * 100).toFixed(0)}% busy over the last 3 s${still})`
}
