#!/usr/bin/env node
'use strict'
// The `drydock` command: a thin launcher for the built CLI (npm install builds it).
const { existsSync } = require('node:fs')
const { join } = require('node:path')

const entry = join(__dirname, '..', 'out', 'main', 'cli.js')
if (!existsSync(entry)) {
  process.stderr.write(
    'drydock: the CLI is not built yet; run `npm run build` in ' + join(__dirname, '..') + '\n',
  )
  process.exit(2)
}
// A command that ends in a second or less never gains from V8's optimizing compiler (TurboFan):
// it compiles on a background thread, taking a CPU from the engine on a small machine, and a plan
// of 2,000 images ran ~30% slower with it than with Maglev as the top tier. Long-lived commands
// keep it. Set before any of the CLI is compiled: its code cache is kept per tier (V8 checks flags).
// The young generation also keeps its first size (growth factor 1) and is collected on the main
// thread alone: every page a process touches for the first time costs a page fault, ~10 us each
// in a VM (12.8 us measured on the build machine), and the 16 MB semi-spaces V8 grows to took a
// plan of 2,000 images from 9,800 faults to 16,800 (sys 0.11 -> 0.19 s); small scavenges of data
// that mostly survives are cheaper than fresh pages, and helper threads only take the engine's
// CPU (docs/performance.md, "Page faults").
const LONG_LIVED = new Set(['serve', 'watch'])
const command = process.argv.slice(2).find((arg, i, args) => {
  return !arg.startsWith('-') && !['--host', '--db'].includes(args[i - 1])
})
const tier = LONG_LIVED.has(command)
  ? ''
  : '--max-opt=2 --semi-space-growth-factor=1 --no-parallel-scavenge'
// Node's own modules come with code compiled ahead, which V8 accepts only under the flags it was
// made with (V8 checks a hash of them): every module Node loads after the flags above change is
// compiled afresh, ~60 ms for the ones below against ~25 ms before (docs/performance.md, "Node's
// own modules"). So the ones every command loads (the code cache's own among them) are loaded
// first; node:http2 (BuildKit's records) only for the commands that read them.
const BUILTINS = [
  'module',
  'vm',
  'zlib',
  'os',
  'fs/promises',
  'timers/promises',
  'net',
  'http',
  'https',
  'child_process',
  'readline/promises',
  'process',
]
const BUILD_CACHE_COMMANDS = new Set(['plan', 'clean', 'images'])
try {
  if (tier) {
    for (const name of BUILTINS) require(`node:${name}`)
    if (BUILD_CACHE_COMMANDS.has(command)) require('node:http2')
    require('node:v8').setFlagsFromString(tier)
  }
} catch {
  // Every tier then: slower, never wrong.
}
try {
  // The bundle, and the packages it leaves in node_modules (better-sqlite3's JavaScript above all).
  const root = join(__dirname, '..')
  require('./compile-cache').install(
    [join(root, 'out', 'main'), join(root, 'out', 'first-frame'), join(root, 'node_modules')],
    tier,
    command ?? 'none',
  )
} catch {
  // Without the code cache the CLI only starts a little slower.
}
require(entry)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code
    // Exit once the output is written, whatever else is pending: an engine that accepts a
    // connection and never answers must not hold the command after it has said so.
    process.stdout.write('', () => process.stderr.write('', () => process.exit(code)))
  })
