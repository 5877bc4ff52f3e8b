// Planning inside a process that is already running — the desktop app's case, here through
// `drydock serve` (the same service behind the same dispatcher, over loopback HTTP). A CLI run
// pays Node's start-up and module loading on every plan; a long-lived process does not, so this
// is where "warm plan ≤ 1.1× the floor" can be judged on Drydock's own work alone.
import { spawn } from 'node:child_process'
import { request } from 'node:http'
import { median, summary } from './measure.mjs'

/** Starts `drydock serve`, resolving with its URL once it has printed it (its --json line). */
function startServe(args) {
  const child = spawn('node', args, { stdio: ['ignore', 'pipe', 'pipe'] })
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    child.stderr.on('data', (chunk) => (err += chunk))
    child.stdout.on('data', (chunk) => {
      out += chunk
      try {
        resolve({ child, ...JSON.parse(out) })
      } catch {
        // not the whole object yet
      }
    })
    child.on('error', reject)
    child.on('exit', (code) =>
      reject(new Error(`drydock serve exited with ${code}: ${err.trim()}`)),
    )
  })
}

/** `drydock serve` on `host` with the log `db`, on a free port. */
export function serveOn(bin, host, db) {
  return startServe([bin, '--host', host, '--db', db, '--json', 'serve', '--port', '0'])
}

/** One contract call; resolves with the time until the whole answer has arrived. */
export function call(url, method, body) {
  const target = new URL(url)
  const token = target.searchParams.get('token')
  const payload = Buffer.from(JSON.stringify(body))
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: `/api/call/${method}`,
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          'Content-Length': payload.length,
        },
      },
      (res) => {
        const chunks = []
        res.on('data', (chunk) => chunks.push(chunk))
        res.on('end', () => {
          const ms = performance.now() - started
          try {
            const envelope = JSON.parse(Buffer.concat(chunks).toString('utf8'))
            if (!envelope.ok) reject(new Error(`${method}: ${envelope.error?.message}`))
            else resolve({ ms, value: envelope.value })
          } catch (error) {
            reject(error)
          }
        })
      },
    )
    req.on('error', reject)
    req.end(payload)
  })
}

/**
 * Plan --unused through a fresh `drydock serve` with a fresh --db: the first call is cold, the
 * next `reps` are warm. The server is stopped (SIGTERM, its own clean shutdown) at the end.
 */
export async function measureLongLived(bin, host, db, reps) {
  const serve = await serveOn(bin, host, db)
  try {
    const cold = await call(serve.url, 'planCleanup', { unused: true })
    const warm = []
    for (let rep = 0; rep < reps; rep++)
      warm.push(await call(serve.url, 'planCleanup', { unused: true }))
    return {
      cold: summary([cold.ms]),
      warm: summary(warm.map((run) => run.ms)),
      items: median(warm.map((run) => run.value.items.length)),
    }
  } finally {
    serve.child.removeAllListeners('exit')
    serve.child.kill('SIGTERM')
  }
}
