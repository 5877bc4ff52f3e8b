// Where a CLI run spends its time, from a V8 .cpuprofile (node --cpu-prof): self time grouped
// into buckets a reader can act on — waiting for the engine (idle), Node's module loader, each
// dependency, Drydock's own bundle by function, GC.
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

function bucketOf(frame) {
  const { url, functionName } = frame
  if (!url) {
    if (functionName === '(idle)') return 'idle (waiting on I/O: engine, disk)'
    if (functionName === '(garbage collector)') return 'garbage collector'
    if (functionName === '(program)') return 'native / V8 (program)'
    // V8 names compiled regexps by their source, which can run to kilobytes.
    const name = functionName || '(anonymous)'
    return `native: ${name.length > 60 ? `${name.slice(0, 57)}...` : name}`
  }
  if (url.startsWith('node:internal/modules') || url.includes('internal/modules/'))
    return 'node: module loader'
  if (url.startsWith('node:')) return `node: ${url.slice(5).split('/').slice(0, 2).join('/')}`
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (dep) return `dep: ${dep[1]}`
  const own = /\/out\/main\/(.+)$/.exec(url)
  if (own)
    return `drydock: ${functionName || '(top level)'} [${own[1].replace(/-[A-Za-z0-9_]{8}\.js$/, '.js')}]`
  return url
}

/** Self time per bucket, in ms, biggest first; plus the profile's total span. */
export function summarizeProfile(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const selfUs = new Map()
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i])
    const bucket = bucketOf(node.callFrame)
    selfUs.set(bucket, (selfUs.get(bucket) ?? 0) + (profile.timeDeltas[i] ?? 0))
  }
  const buckets = [...selfUs.entries()]
    .map(([bucket, us]) => ({ bucket, ms: us / 1000 }))
    .sort((a, b) => b.ms - a.ms)
  return { spanMs: (profile.endTime - profile.startTime) / 1000, buckets }
}

/** Reads the single .cpuprofile node wrote into `dir`. */
export async function readProfile(dir) {
  const files = (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile'))
  if (files.length !== 1)
    throw new Error(`expected one .cpuprofile in ${dir}, found ${files.length}`)
  return JSON.parse(await readFile(join(dir, files[0]), 'utf8'))
}

/** Buckets over `minMs`, the rest folded into one line, for a compact printout. */
export function topBuckets(summary, minMs = 5) {
  const shown = summary.buckets.filter((b) => b.ms >= minMs)
  const rest = summary.buckets.filter((b) => b.ms < minMs).reduce((total, b) => total + b.ms, 0)
  return rest > 0
    ? [...shown, { bucket: `(${summary.buckets.length - shown.length} smaller buckets)`, ms: rest }]
    : shown
}

/** Phases of one traced run (trace-preload.cjs), in ms; they add up to the wall time. */
export function phasesOf(trace, wallMs) {
  const bundleEnd = trace.bundleEnd ?? trace.preload
  const firstRequest = trace.firstRequest ?? bundleEnd
  const lastResponse = trace.lastResponse ?? firstRequest
  return {
    'Node boot (to first user code)': trace.preload,
    // bin/drydock.js itself is a few lines: its time before require() is folded in here.
    'load the bundle (require cli.js)': bundleEnd - trace.preload,
    'setup until the first request (args, SQLite open, host)': firstRequest - bundleEnd,
    'engine phase (first request → last response)': lastResponse - firstRequest,
    'after the last response (plan, JSON out, close)': trace.exit - lastResponse,
    'process exit and spawn overhead': wallMs - trace.exit,
  }
}
