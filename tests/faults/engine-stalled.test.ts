/**
 * The engine stalls. Two kinds, each a unix socket of this file's own:
 * - dead silent: it accepts connections and never answers a byte;
 * - wedged: it answers the connection check (`/_ping`, `/info`; `/version` for a client that
 *   asks) and nothing else, as a dockerd stuck on a container's lock does.
 * Every CLI command exits within a bound with one sentence (history, which needs no engine,
 * exits 0), and the window (browser mode, `drydock serve`) shows the engine as not answering.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http'
import { createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FaultTable, formatMs, oneSentence, runCli, sleep } from './support'
import { startServe, type Serve } from './serve'

const table = new FaultTable('the engine stalls')

/** What each command must do: its exit code, and where its sentence is (history has none). */
interface Expected {
  args: string[]
  code: number
}
const COMMANDS: Expected[] = [
  { args: ['status'], code: 3 },
  { args: ['images'], code: 3 },
  { args: ['plan', '--dangling'], code: 3 },
  { args: ['clean', '--dangling', '--yes'], code: 3 },
  { args: ['history'], code: 0 },
  { args: ['watch', '--once'], code: 3 },
]

/** Within the connection check's 5 s (src/core/engine/connection.ts) and start-up. */
const SILENT_BOUND_MS = 15_000
/** A wedged engine: reads are bounded at 30 s, `/system/df` at 120 s (engine/read-timeouts.ts). */
const WEDGED_LIST_BOUND_MS = 45_000
const WEDGED_DF_BOUND_MS = 140_000

function listen(server: Server | HttpServer, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(path, () => resolve())
  })
}

/** Keeps every connection open and silent; they are destroyed when the test ends. */
function silentServer(sockets: Set<Socket>): Server {
  return createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => undefined)
    socket.on('close', () => sockets.delete(socket))
  })
}

/** Answers what the connection check asks, then stalls every other request. */
function wedgedServer(sockets: Set<Socket>, seen: string[]): HttpServer {
  const server = createHttpServer((req, res) => {
    const path = (req.url ?? '').replace(/^\/v[\d.]+/, '').split('?')[0]
    seen.push(`${req.method} ${path}`)
    const json = (body: unknown) => {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (path === '/_ping') return void res.end('OK')
    if (path === '/version') {
      return json({ Version: '20.10.24', ApiVersion: '1.41', Os: 'linux', Arch: 'amd64' })
    }
    if (path === '/info') {
      return json({ ID: 'WEDGED', Name: 'wedged', Driver: 'overlay2', DockerRootDir: '/nowhere' })
    }
    // Wedged: the request is read and never answered.
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  return server
}

describe('the engine stalls', () => {
  let dir: string
  const sockets = new Set<Socket>()
  const seen: string[] = []
  let silent: Server
  let wedged: HttpServer
  let silentHost: string
  let wedgedHost: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'drydock-faults-stall-'))
    silentHost = `unix://${join(dir, 'silent.sock')}`
    wedgedHost = `unix://${join(dir, 'wedged.sock')}`
    silent = silentServer(sockets)
    wedged = wedgedServer(sockets, seen)
    await listen(silent, join(dir, 'silent.sock'))
    await listen(wedged, join(dir, 'wedged.sock'))
  })

  afterAll(async () => {
    table.print()
    for (const socket of sockets) socket.destroy()
    await Promise.all([
      new Promise((resolve) => silent?.close(resolve)),
      new Promise((resolve) => wedged?.close(resolve)),
    ])
    rmSync(dir, { recursive: true, force: true })
  })

  /**
   * Every command at once (each its own process and log), each held to its bound. The sentence
   * of a failure is the one line on stderr; `history` needs no engine and prints the log; a
   * `status` that reached the engine shows its facts and says on stdout why usage is missing.
   */
  async function everyCommand(
    host: string,
    kind: string,
    commands: Expected[],
    boundFor: (args: string[]) => number,
  ) {
    const runs = await Promise.all(
      commands.map(async (command) => {
        const bound = boundFor(command.args)
        const db = join(dir, `${kind}-${command.args[0]}.sqlite`)
        const run = await runCli(['--host', host, '--db', db, ...command.args], {
          killAfterMs: bound + 30_000,
        })
        const sentence =
          command.code !== 0
            ? oneSentence(run.stderr)
            : command.args[0] === 'status'
              ? (/^Usage\s+unavailable: (.+)$/m.exec(run.stdout)?.[1] ?? null)
              : run.stdout.trim().split('\n')[0]!
        const held = run.code === command.code && sentence !== null && run.ms < bound
        table.check(
          `${kind}: drydock ${command.args.join(' ')}`,
          held,
          `exit ${run.code ?? run.signal} (want ${command.code}, under ${formatMs(bound)}): ${JSON.stringify(sentence ?? run.stderr.slice(0, 200))}`,
          run.ms,
        )
        return { command, run, sentence, bound }
      }),
    )
    for (const { command, run, sentence, bound } of runs) {
      expect(run.code, `${command.args.join(' ')}: ${run.stderr}`).toBe(command.code)
      expect(sentence, `${command.args.join(' ')}: ${run.stderr}`).not.toBeNull()
      expect(run.ms, command.args.join(' ')).toBeLessThan(bound)
    }
    return runs
  }

  it('dead silent: every command exits within its bound with a sentence; the window says so', async () => {
    const [runs] = await Promise.all([
      everyCommand(silentHost, 'silent', COMMANDS, () => SILENT_BOUND_MS),
      windowShowsNotAnswering(silentHost, 'silent', /did not answer in time/),
    ])
    for (const { command, run } of runs) {
      if (command.code === 3) expect(run.stderr).toMatch(/did not answer in time/)
    }
  })

  it('wedged: every command exits within its bound with a sentence; the window says so', async () => {
    // status reached the engine (its facts are shown): it exits 0 and says why usage is missing.
    const commands = COMMANDS.map((command) =>
      command.args[0] === 'status' ? { ...command, code: 0 } : command,
    )
    const [runs] = await Promise.all([
      everyCommand(wedgedHost, 'wedged', commands, (args) =>
        args[0] === 'status' || args[0] === 'watch' ? WEDGED_DF_BOUND_MS : WEDGED_LIST_BOUND_MS,
      ),
      windowShowsNotAnswering(wedgedHost, 'wedged', /did not answer GET \/images\/json within/),
    ])
    for (const { command, run } of runs) {
      const said = command.args[0] === 'status' ? run.stdout : run.stderr
      if (command.args[0] !== 'history') {
        expect(said).toMatch(
          /^.*Cannot reach the Docker engine at unix:.*did not answer GET \/[a-z/]+ within \d+ s\.$/m,
        )
      }
    }
  })

  async function windowShowsNotAnswering(host: string, kind: string, reason: RegExp) {
    const started = performance.now()
    let serve: Serve | null = null
    try {
      serve = await startServe(host, join(dir, `${kind}-serve.sqlite`))
      // The page follows the events and asks for the connection, then the images (a wedged
      // engine fails there): what the window shows is the `connection` state it was sent.
      const events = await serve.follow()
      const first = await serve.call('getConnection', {})
      const images = await serve.call('listImages', {})
      await sleep(200)
      events.close()
      type State = { status: string; reason?: string }
      const states = [
        (first.body as { value?: State }).value,
        ...events
          .events()
          .filter((event) => event.name === 'connection')
          .map((event) => event.payload as State),
      ]
      const shown = states.filter((state) => state?.status === 'unreachable').at(-1)
      const connection = { value: shown }
      const held =
        first.status === 200 &&
        connection.value?.status === 'unreachable' &&
        reason.test(connection.value.reason ?? '') &&
        images.status === 503 &&
        (images.body as { error?: { code?: string } }).error?.code === 'engine-unreachable'
      table.check(
        `${kind}: the window (drydock serve)`,
        held,
        `getConnection first ${(first.body as { value?: { status?: string } }).value?.status}, ` +
          `listImages HTTP ${images.status}, then ${connection.value?.status}: ` +
          JSON.stringify(connection.value?.reason ?? ''),
        performance.now() - started,
      )
      expect(connection.value?.status).toBe('unreachable')
      expect(connection.value?.reason).toMatch(reason)
      expect(images.status).toBe(503)
      expect(images.body).toMatchObject({ ok: false, error: { code: 'engine-unreachable' } })
    } finally {
      await serve?.stop()
    }
  }
})
