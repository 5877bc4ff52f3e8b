// Preloaded (node -r) into drydock runs that explain where time goes; never into the timed runs.
// Records, in ms since the process started (performance.timeOrigin):
//   preload       Node has booted and runs its first user code
//   bundleStart/End   require() of out/main/cli.js (the whole bundle and its dependencies)
//   firstRequest  the first engine request leaves (commander, SQLite open, host resolution done)
//   firstResponse the first engine response has been read to its end (the engine's first answer)
//   lastResponse  the last engine response has been read to its end
//   firstStdout   the first byte the command wrote to stdout (its first useful output)
//   exit          the process is about to exit (plan built, JSON printed, database closed)
// and how many requests went to each endpoint (IDs folded), so duplicates show.
// Written as JSON to the file named by DRYDOCK_BENCH_TRACE. CommonJS because -r needs it.
'use strict'
const diagnostics = require('node:diagnostics_channel')
const { writeFileSync } = require('node:fs')
const Module = require('node:module')
const { performance } = require('node:perf_hooks')

const out = process.env.DRYDOCK_BENCH_TRACE
const trace = {
  preload: performance.now(),
  bundleStart: null,
  bundleEnd: null,
  firstRequest: null,
  firstResponse: null,
  lastResponse: null,
  firstStdout: null,
  exit: null,
  requests: {},
}

const load = Module._load
Module._load = function tracedLoad(request, ...rest) {
  if (trace.bundleStart !== null || !/out[\\/]main[\\/]cli\.js$/.test(request))
    return load.call(this, request, ...rest)
  trace.bundleStart = performance.now()
  try {
    return load.call(this, request, ...rest)
  } finally {
    trace.bundleEnd = performance.now()
  }
}

function countRequest(method, rawPath) {
  trace.firstRequest ??= performance.now()
  const path = rawPath
    .replace(/\?.*$/, '')
    .replace(/sha256(?::|%3A)[0-9a-f]{64}|[0-9a-f]{64}/gi, '{id}')
    .replace(/\/v1\.\d+\//, '/')
    .replace(
      /^\/images\/(?!json$|prune$|load$)(.+?)(\/json|\/history)?$/,
      (_, ref, tail = '') => `/images/${ref === '{id}' ? '{id}' : '{ref}'}${tail}`,
    )
  const key = `${method} ${path}`
  trace.requests[key] = (trace.requests[key] ?? 0) + 1
}

function answered() {
  trace.firstResponse ??= performance.now()
  trace.lastResponse = performance.now()
}

diagnostics.subscribe('http.client.request.start', ({ request }) => {
  countRequest(request.method, request.path)
  request.once('response', (response) => {
    response.once('end', answered)
  })
})
// Drydock's own engine clients that bypass node:http (src/core/engine/engine-channel.ts).
diagnostics.subscribe('drydock:engine-request', ({ method, path }) => countRequest(method, path))
diagnostics.subscribe('drydock:engine-response', answered)

// The first write to stdout, whatever writes it (the table, a header, a JSON document).
const write = process.stdout.write
process.stdout.write = function tracedWrite(chunk, ...rest) {
  if (trace.firstStdout === null && chunk && chunk.length > 0) trace.firstStdout = performance.now()
  return write.call(this, chunk, ...rest)
}

process.once('exit', () => {
  trace.exit = performance.now()
  if (out) writeFileSync(out, JSON.stringify(trace))
})
