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
import { join } from 'node:path'
import { REPO } from './cli.mjs'
import { settle } from './settle.mjs'

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

let failed = 0
for (const [title, command, args, options] of parts) {
  process.stdout.write(`\n=== ${title}\n\n`)
  if (options?.settle) process.stdout.write(`${await settle()}\n\n`)
  const result = spawnSync(command, args, { cwd: REPO, stdio: 'inherit' })
  if (result.status !== 0) {
    failed++
    process.stdout.write(`\n(${title}: exited ${result.status ?? result.signal})\n`)
  }
}
process.exit(failed === 0 ? 0 : 1)
