#!/usr/bin/env node
// `npm run bench`: every benchmark, one after the other, each printing its own table.
//
//   npm run bench                 engine (plan/clean vs the docker CLI), log database, window
//   npm run bench -- --quick      ...with the engine benchmark's small world (its other flags
//                                 pass through too: see run.mjs)
//
// The window benchmarks need the built renderer: this builds once first (npm run build). Each
// part can run alone: bench:engine, bench:db, bench:ui.
import { spawnSync } from 'node:child_process'
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
  ],
  [
    'window: Dashboard with 90 days of samples',
    process.execPath,
    [join(REPO, 'scripts/bench/ui-dashboard.mjs')],
  ],
]

let failed = 0
for (const [title, command, args] of parts) {
  process.stdout.write(`\n=== ${title}\n\n`)
  const result = spawnSync(command, args, { cwd: REPO, stdio: 'inherit' })
  if (result.status !== 0) {
    failed++
    process.stdout.write(`\n(${title}: exited ${result.status ?? result.signal})\n`)
  }
}
process.exit(failed === 0 ? 0 : 1)
