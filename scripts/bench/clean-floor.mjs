// The clean's floor: exactly the DELETE requests of drydock's plan, in its order, sent raw over
// the socket and timed alone — what any one-request-per-reference cleaner must pay, without
// drydock's start-up, planning, re-checks or journal. With a concurrency above 1 (the executor
// runs 8), whole items go to parallel workers and an item's own requests stay in order. Items
// are not held back for their children here: the benchmark's loaded images have no parents.
//
//   node scripts/bench/clean-floor.mjs <socket> <items.json> [concurrency]
//
// items.json: [[name, force], ...] per item, from the plan's items[].requests. Prints one JSON
// line: { ms, requests, failed, firstError }.
import { readFileSync } from 'node:fs'
import { request } from 'node:http'

const [socketPath, itemsFile, concurrencyArg = '1'] = process.argv.slice(2)
if (!socketPath || !itemsFile) {
  process.stderr.write('usage: clean-floor.mjs <socket> <items.json> [concurrency]\n')
  process.exit(2)
}
const items = JSON.parse(readFileSync(itemsFile, 'utf8'))
const concurrency = Math.max(1, Number(concurrencyArg))

let requests = 0
let failed = 0
let firstError = null

function remove(name, force) {
  // The query docker-modem sends for dockerode's image.remove({ force, noprune: true }).
  const path = `/images/${name}?force=${force}&noprune=true`
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: 'DELETE' }, (res) => {
      const chunks = []
      res.on('data', (chunk) => chunks.push(chunk))
      res.on('end', () => {
        requests++
        const body = Buffer.concat(chunks).toString('utf8')
        if (res.statusCode !== 200) {
          failed++
          firstError ??= `${path} → ${res.statusCode} ${body.trim()}`
        } else JSON.parse(body) // as a client must, to learn what was deleted
        resolve()
      })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

const started = performance.now()
let next = 0
const worker = async () => {
  while (next < items.length) {
    for (const [name, force] of items[next++]) await remove(name, force)
  }
}
await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker))
const ms = performance.now() - started
process.stdout.write(`${JSON.stringify({ ms, requests, failed, firstError })}\n`)
