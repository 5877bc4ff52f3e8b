// The private engines the benchmark runs on (scripts/test-engine.sh with a state directory of
// our own), and a small client for their API. Never the machine's default engine, never the
// engine tests share (/tmp/drydock-test-engine): the benchmark loads thousands of images and
// prunes everything, which would wreck anything else living on the same engine.
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { request } from 'node:http'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const REPO = resolve(import.meta.dirname, '../..')
const ENGINE_SCRIPT = join(REPO, 'scripts/test-engine.sh')
const FORBIDDEN_DIRS = new Set(['/tmp/drydock-test-engine', '/var/lib/docker', '/var/run', '/run'])

export class Engine {
  /** @param {string} dir state directory, e.g. /tmp/dd-bench-a */
  constructor(dir) {
    this.dir = resolve(dir)
    if (FORBIDDEN_DIRS.has(this.dir)) throw new Error(`refusing to benchmark on ${this.dir}`)
    this.socketPath = join(this.dir, 'docker.sock')
    this.host = `unix://${this.socketPath}`
    this.dataRoot = join(this.dir, 'data')
    /** Where `save` keeps a copy of the whole state directory (`restore` puts it back). */
    this.savedDir = `${this.dir}.saved`
  }

  async start() {
    await run('bash', [ENGINE_SCRIPT, 'start'], {
      env: { ...process.env, DRYDOCK_TEST_ENGINE_DIR: this.dir },
    })
    this.pid = undefined // a new dockerd: cpuMs reads its pid again
    const info = await this.json('GET', '/info')
    // test-engine.sh guarantees this, but the benchmark deletes everything: check anyway.
    if (info.DockerRootDir !== this.dataRoot) {
      throw new Error(
        `engine at ${this.host} has data root ${info.DockerRootDir}, expected ${this.dataRoot}`,
      )
    }
    this.driver = info.Driver
    return this
  }

  /**
   * CPU time dockerd has used so far (user + system, ms; the kernel counts in 10 ms ticks), or
   * NaN where /proc cannot tell. On 2 CPUs the client's CPU and the engine's share the machine:
   * their sum over the CPUs is a floor under any command's wall time.
   */
  cpuMs() {
    try {
      this.pid ??= Number(readFileSync(join(this.dir, 'exec', 'dockerd.pid'), 'utf8').trim())
      // Fields 14 and 15 (utime, stime) follow the command name, which may hold spaces.
      const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      return (Number(fields[11]) + Number(fields[12])) * 10
    } catch {
      return Number.NaN
    }
  }

  async stop() {
    await run('bash', [ENGINE_SCRIPT, 'stop'], {
      env: { ...process.env, DRYDOCK_TEST_ENGINE_DIR: this.dir },
    })
  }

  /** Stops the engine and deletes its state directory (images, containers, databases). */
  async destroy() {
    await this.stop()
    await rm(this.dir, { recursive: true, force: true })
    await rm(this.savedDir, { recursive: true, force: true })
  }

  /**
   * Keeps a copy of the world as it is now, so that a destructive measurement (a clean, a prune)
   * can run again on the very same world: the engine stops (so its files are consistent), its
   * state directory is copied, and it starts again with the containers that were running.
   */
  async save() {
    const running = await this.runningContainers()
    await this.killContainers(running)
    await this.stop()
    await rm(this.savedDir, { recursive: true, force: true })
    await run('cp', ['-a', this.dir, this.savedDir])
    // Flushed now, not by the kernel in the middle of the measurement that follows (a clean
    // right after an unflushed copy took 18.6 s against 11.4–11.5 s after the flushed ones).
    await run('sync', [])
    this.savedRunning = running
    await this.start()
    await this.startContainers(running)
  }

  /** Puts back the world `save` kept: images, containers (running ones started), build cache. */
  async restore() {
    if (!this.savedRunning) throw new Error(`no saved world for ${this.host}`)
    await this.killContainers(await this.runningContainers())
    await this.stop()
    await rm(this.dir, { recursive: true, force: true })
    await run('cp', ['-a', this.savedDir, this.dir])
    await run('sync', []) // as in save
    await this.start()
    await this.startContainers(this.savedRunning)
  }

  async runningContainers() {
    return (await this.json('GET', '/containers/json')).map((container) => container.Id)
  }

  /** Killed, not stopped: their `sleep` ignores SIGTERM, and dockerd would wait 10 s for each
   * before its own stop (whose time limit a slow stop can exceed, leaving an unclean copy). */
  async killContainers(ids) {
    for (const id of ids) {
      const { status, body } = await this.request('POST', `/containers/${id}/kill`)
      // 409: it stopped meanwhile.
      if (status >= 300 && status !== 409) {
        throw new Error(`killing container ${id} → ${status}: ${body.toString().trim()}`)
      }
    }
  }

  async startContainers(ids) {
    // 304: already running (the engine restarted it itself).
    for (const id of ids) {
      const { status, body } = await this.request('POST', `/containers/${id}/start`)
      if (status >= 300 && status !== 304) {
        throw new Error(`starting container ${id} → ${status}: ${body.toString().trim()}`)
      }
    }
  }

  /**
   * One API request. `body` may be a Buffer, a JSON-able value, or an iterable of Buffers (sent
   * with back-pressure, for multi-hundred-MB archives). Resolves with status and raw body.
   */
  request(method, path, { body, contentType } = {}) {
    return new Promise((resolvePromise, reject) => {
      const req = request({ socketPath: this.socketPath, method, path, headers: {} }, (res) => {
        const chunks = []
        res.on('data', (chunk) => chunks.push(chunk))
        res.on('end', () => resolvePromise({ status: res.statusCode, body: Buffer.concat(chunks) }))
        res.on('error', reject)
      })
      req.on('error', reject)
      if (body === undefined) return req.end()
      if (
        Buffer.isBuffer(body) ||
        typeof body[Symbol.iterator] !== 'function' ||
        Array.isArray(body)
      ) {
        const bytes = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body))
        req.setHeader('Content-Type', contentType ?? 'application/json')
        req.setHeader('Content-Length', bytes.length)
        return req.end(bytes)
      }
      req.setHeader('Content-Type', contentType ?? 'application/octet-stream')
      streamInto(req, body).catch(reject)
    })
  }

  async json(method, path, options) {
    const { status, body } = await this.request(method, path, options)
    if (status >= 300) throw new Error(`${method} ${path} → ${status}: ${body.toString().trim()}`)
    return body.length > 0 ? JSON.parse(body.toString()) : null
  }

  /** `docker` CLI against this engine only (-H), with the user's docker config left alone. */
  docker(args) {
    return run('docker', ['-H', this.host, ...args], { maxBuffer: 256 * 1024 * 1024 })
  }
}

async function streamInto(req, chunks) {
  for (const chunk of chunks) {
    if (!req.write(chunk)) await new Promise((resolveDrain) => req.once('drain', resolveDrain))
  }
  req.end()
}

/** Runs `task` over `items` with at most `limit` in flight; results in input order. */
export async function mapConcurrently(items, limit, task) {
  const results = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await task(items[index], index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}
