#!/usr/bin/env node
// `npm run bench`: every benchmark, one after the other, each printing its own table.
//
//   npm run bench                 engine (plan/clean vs the docker CLI), log database, window
//   npm run bench -- --quick      ...with the engine benchmark's small world (its other flags
//                                 pass through too: see run.mjs)
//
// The window benchmarks need the built renderer: this builds once first (npm run build). Each
// part can run alone: bench:engine, bench:db, bench:ui.
//
// The window benchmarks start once the machine has settled (below): they measure the page's
// frames, and before they ran within seconds of the engine benchmark deleting two engines' data
// roots and the log benchmark's 100,000 writes (load average 3.6-3.7 when they began).
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { join } from 'node:path'
import { REPO } from './cli.mjs'

const engineArgs = process.argv.slice(2)
const parts = [
  ['build (for the window benchmarks)', 'npx', ['electron-vite', 'build']],
  [
    'engine: plan and clean against the docker CLI',
    process.execPath,
    [join(REPO, 'scripts/bench/run.mjs'), ...engineArgs],
  ],
  ['log database', process.execPath, [join(REPO, 'scripts/bench/db.mjs')]],
  [
    'window: Images page with 10,000 images',
    process.execPath,
    [join(REPO, 'scripts/bench/ui-images.mjs')],
    { settle: true },
  ],
  [
    'window: Dashboard with 90 days of samples',
    process.execPath,
    [join(REPO, 'scripts/bench/ui-dashboard.mjs')],
    { settle: true },
  ],
]

/** The share of the CPUs' time spent busy (not idle, not waiting on I/O) since the last call. */
function cpuBusy() {
  let last = readCpu()
  return () => {
    const now = readCpu()
    const busy = now.total - now.idle - (last.total - last.idle)
    const total = now.total - last.total
    last = now
    return total > 0 ? busy / total : 0
  }
}
function readCpu() {
  // The first line of /proc/stat: user nice system idle iowait irq softirq steal ...
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1)
  const ticks = fields.map(Number)
  return { total: ticks.reduce((a, b) => a + b, 0), idle: ticks[3] + ticks[4] }
}

/** Waits until the CPUs were less than 20% busy over 3 s (at most 3 min), and says so. */
async function settle() {
  const busy = cpuBusy()
  const started = Date.now()
  let share = 1
  while (Date.now() - started < 180_000) {
    await sleep(3000)
    share = busy()
    if (share < 0.2) break
  }
  const waited = ((Date.now() - started) / 1000).toFixed(0)
  process.stdout.write(
    `(waited ${waited} s for the machine to settle: CPUs ${(share * 100).toFixed(0)}% busy over the last 3 s${share < 0.2 ? '' : ', still busy: the figures are likely inflated'})\n\n`,
  )
}

let failed = 0
for (const [title, command, args, options] of parts) {
  process.stdout.write(`\n=== ${title}\n\n`)
  if (options?.settle && process.platform === 'linux') await settle()
  const result = spawnSync(command, args, { cwd: REPO, stdio: 'inherit' })
  if (result.status !== 0) {
    failed++
    process.stdout.write(`\n(${title}: exited ${result.status ?? result.signal})\n`)
  }
}
process.exit(failed === 0 ? 0 : 1)
