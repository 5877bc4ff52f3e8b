#!/usr/bin/env node
// The Electron security baseline, checked on the built app: runs Electronegativity over out/
// (after `npm run build`) and fails on any high or medium finding that is not accepted, with its
// reason, in scripts/electronegativity-allow.json. Lower findings are printed, not fatal.
//
// Electronegativity is driven through its runner module: its command line breaks when npm
// hoists a newer commander beside it (it expects commander 2's default export). The check
// that downloads Electron's release list is left out, so the audit needs no network.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)
const FATAL = new Set(['HIGH', 'MEDIUM'])
const OFFLINE_EXCLUSIONS = ['availablesecurityfixesglobalcheck']

function fail(message) {
  console.error(`audit:electron: ${message}`)
  process.exit(1)
}

const input = join(root, 'out')
if (!existsSync(join(input, 'main', 'index.js')))
  fail('out/ has no built app; run `npm run build` first.')

const allowFile = join(root, 'scripts', 'electronegativity-allow.json')
const accepted = JSON.parse(readFileSync(allowFile, 'utf8')).accepted
for (const entry of accepted) {
  if (
    typeof entry.id !== 'string' ||
    typeof entry.reason !== 'string' ||
    entry.reason.trim() === ''
  ) {
    fail(`every entry of ${allowFile} needs an id and a reason: ${JSON.stringify(entry)}`)
  }
}

const run = require('@doyensec/electronegativity/dist/runner.js')
const electronVersion = require('electron/package.json').version

// It prints a line when it cannot fetch fresh translations; that is not a finding.
const { issues, errors } = await run({
  input,
  isRelative: true,
  electronVersionOverride: electronVersion,
  excludeFromScan: OFFLINE_EXCLUSIONS,
})

const untolerated = errors.filter((error) => !error.tolerable)
for (const error of untolerated) console.error(`could not check ${error.file}: ${error.message}`)

const isAccepted = (issue) =>
  accepted.find(
    (entry) => entry.id === issue.id && (entry.file === undefined || entry.file === issue.file),
  )

const unexplained = []
const used = new Set()
for (const issue of issues) {
  const severity = issue.severity.name
  const where = `${issue.file}:${issue.location.line}:${issue.location.column}`
  const entry = FATAL.has(severity) ? isAccepted(issue) : undefined
  if (entry) used.add(entry)
  const status = !FATAL.has(severity) ? 'note' : entry ? 'accepted' : 'FAIL'
  console.log(
    `${status.padEnd(8)} ${severity.padEnd(6)} ${issue.id}  ${where}  ${issue.description}`,
  )
  if (entry) console.log(`         reason: ${entry.reason}`)
  if (FATAL.has(severity) && !entry) unexplained.push(issue)
}
for (const entry of accepted) {
  if (!used.has(entry))
    console.warn(`warning: accepted finding no longer reported: ${entry.id} ${entry.file ?? ''}`)
}

console.log(
  `\n${issues.length} findings over out/ (Electron ${electronVersion}): ` +
    `${unexplained.length} high or medium unexplained, ${used.size} accepted.`,
)
if (unexplained.length > 0 || untolerated.length > 0) process.exit(1)
