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
try {
  require('./compile-cache').install(join(__dirname, '..', 'out', 'main'))
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
