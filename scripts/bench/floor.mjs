// The floor: the engine requests `drydock plan` needs, and nothing else, issued the way the CLI
// issues them — Node's http over the unix socket with the default (keep-alive) agent, as
// docker-modem does; the lists and /info together (/info's headers name the engine, so a plan
// asks no /version: src/core/engine/engine-kind.ts); then, for each image, inspect and history
// together on 16 workers (src/core/engine/inventory.ts: FETCH_CONCURRENCY).
//
//   node scripts/bench/floor.mjs <socket> cold|warm [concurrency] [repeat]
//
// Prints one JSON line: { ms, requests, bytes, images, latencies, repeatMs } where ms covers only
// the requests (not Node's start-up); the parent also times the whole process for a "floor as a
// process" figure. Runs as its own process so each measurement starts with fresh sockets and a
// cold JIT, like a CLI run. With repeat > 1 the same requests are sent again from this process
// and repeatMs lists those later rounds: the floor of a long-lived process (kept-alive sockets,
// warm JIT), which is what a plan inside the desktop app or `drydock serve` competes with.
import { request } from 'node:http'

const [socketPath, mode = 'cold', concurrencyArg = '16', repeatArg = '1'] = process.argv.slice(2)
if (!socketPath || !['cold', 'warm'].includes(mode)) {
  process.stderr.write('usage: floor.mjs <socket> cold|warm [concurrency] [repeat]\n')
  process.exit(2)
}
const concurrency = Number(concurrencyArg)
const repeat = Math.max(1, Number(repeatArg))

let requests = 0
let bytes = 0
/** Latency of each of the four whole-engine requests, to see which one bounds the warm floor. */
const latencies = {}

function get(path, timeIt = false) {
  const sent = performance.now()
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: 'GET' }, (res) => {
      const chunks = []
      res.on('data', (chunk) => chunks.push(chunk))
      res.on('end', () => {
        requests++
        if (timeIt) latencies[path] = performance.now() - sent
        const body = Buffer.concat(chunks)
        bytes += body.length
        if (res.statusCode !== 200) reject(new Error(`GET ${path} → ${res.statusCode}`))
        // Parsed because the CLI must parse every answer too; that cost belongs to the floor.
        else resolve(JSON.parse(body.toString('utf8')))
      })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

/** One round of the requests; resolves with its duration in ms and the image count. */
async function round() {
  const started = performance.now()
  const [images] = await Promise.all([
    get('/images/json?all=1', true),
    get('/containers/json?all=1', true),
    get('/info', true),
  ])
  if (mode === 'cold') {
    let next = 0
    const worker = async () => {
      while (next < images.length) {
        const id = images[next++].Id
        await Promise.all([get(`/images/${id}/json`), get(`/images/${id}/history`)])
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, images.length) }, worker))
  }
  return { ms: performance.now() - started, images: images.length }
}

const first = await round()
// Counts and latencies describe the first round, the one a CLI run would make.
const counted = { requests, bytes, latencies: { ...latencies } }
const repeatMs = []
for (let i = 1; i < repeat; i++) repeatMs.push((await round()).ms)
process.stdout.write(
  `${JSON.stringify({ ms: first.ms, images: first.images, ...counted, repeatMs })}\n`,
)
