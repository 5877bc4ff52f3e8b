/**
 * Browser mode as users start it: `node bin/drydock.js serve`, a real process on loopback, against
 * the private test engine (or any host given), optionally with its own log file (`--db`). With no
 * host (null), no --host is passed: the server follows Settings' host, as the app does, so the
 * engine switcher can change it; set the first one with `callApi(server, 'updateSettings', …)`.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test as base } from '@playwright/test'
import type Dockerode from 'dockerode'
import { browserUnavailable } from './browser'
import { probeTestEngine, testEngineHost } from '../../support/test-engine'

export interface RunningServer {
  url: string
  origin: string
  token: string
  /** The serve process's id (to stop exactly it). */
  pid: number
  stop(): Promise<void>
}

export const drydockBin = join(__dirname, '../../../bin/drydock.js')
const bin = drydockBin

export interface ServerOptions {
  /** The log file (`--db`); omitted: DRYDOCK_DB, then the desktop app's file. */
  db?: string
  /** With no host: a docker config directory of the test's own (no contexts). */
  dockerConfig?: string
}

export async function startDrydockServer(
  host: string | null,
  options: ServerOptions = {},
): Promise<RunningServer> {
  const dbArgs = options.db === undefined ? [] : ['--db', options.db]
  const hostArgs = host === null ? [] : ['--host', host]
  const env: Record<string, string | undefined> = {
    ...process.env,
    // Every answer parsed with its response schema (src/core/dispatch.ts).
    DRYDOCK_CHECK_RESPONSES: '1',
  }
  if (host === null) {
    // Settings' host alone decides: nothing from the environment or a docker context.
    delete env.DOCKER_HOST
    delete env.DOCKER_CONTEXT
    if (options.dockerConfig) env.DOCKER_CONFIG = options.dockerConfig
  }
  const child: ChildProcess = spawn(
    process.execPath,
    [bin, ...hostArgs, ...dbArgs, '--json', 'serve', '--port', '0'],
    { stdio: ['ignore', 'pipe', 'pipe'], env },
  )
  let stdout = ''
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const started = await new Promise<{ url: string; origin: string; token: string }>(
    (resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`drydock serve did not start: ${stderr}`)),
        15_000,
      )
      child.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString()
        try {
          const parsed = JSON.parse(stdout) as { url: string; origin: string }
          clearTimeout(timer)
          resolve({ ...parsed, token: new URL(parsed.url).searchParams.get('token') ?? '' })
        } catch {
          // Not the whole JSON document yet.
        }
      })
      child.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`drydock serve exited with ${code}: ${stderr}`))
      })
    },
  )
  return {
    ...started,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

/** One contract call over browser mode's HTTP API, as the page makes it. */
export async function callApi<T = unknown>(
  server: Pick<RunningServer, 'origin' | 'token'>,
  method: string,
  request: unknown = {},
): Promise<T> {
  const response = await fetch(`${server.origin}/api/call/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}` },
    body: JSON.stringify(request),
  })
  const body = (await response.json()) as { ok: boolean; value?: T; error?: { message: string } }
  if (!body.ok) throw new Error(`${method}: ${body.error?.message ?? 'failed'}`)
  return body.value as T
}

interface Fixtures {
  /** Browser mode against the private test engine. */
  drydock: RunningServer & { engineVersion: string }
  /** The private test engine, once the browser and the engine are known to be there. */
  testEngine: { docker: Dockerode; host: string; version: string }
}

interface TestFixtures {
  /** A fresh directory for this test (log files, exports), removed afterwards. */
  workDir: string
  /** Browser mode against the private engine with a log file of its own, in `workDir`. */
  isolatedDrydock: RunningServer & { db: string }
}

export const test = base.extend<TestFixtures, Fixtures>({
  testEngine: [
    // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies first.
    async ({}, use) => {
      const noBrowser = browserUnavailable()
      base.skip(noBrowser !== null, noBrowser ?? '')
      const probe = await probeTestEngine()
      if (!probe.ok) {
        if (process.env.CI === 'true') throw new Error(`${probe.reason} (CI=true: may not skip)`)
        base.skip(true, probe.reason)
        return
      }
      const version = ((await probe.docker.version()) as { Version: string }).Version
      await use({ docker: probe.docker, host: testEngineHost, version })
    },
    { scope: 'worker' },
  ],
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies first.
  workDir: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'drydock-e2e-'))
    await use(dir)
    rmSync(dir, { recursive: true, force: true })
  },
  isolatedDrydock: async ({ testEngine, workDir }, use) => {
    const db = join(workDir, 'drydock.db')
    const server = await startDrydockServer(testEngine.host, { db })
    await use({ ...server, db })
    await server.stop()
  },
  drydock: [
    // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies first.
    async ({}, use) => {
      const noBrowser = browserUnavailable()
      base.skip(noBrowser !== null, noBrowser ?? '')
      const probe = await probeTestEngine()
      if (!probe.ok) {
        if (process.env.CI === 'true') throw new Error(`${probe.reason} (CI=true: may not skip)`)
        base.skip(true, probe.reason)
        return
      }
      const version = ((await probe.docker.version()) as { Version: string }).Version
      const server = await startDrydockServer(testEngineHost)
      await use({ ...server, engineVersion: version })
      await server.stop()
    },
    { scope: 'worker' },
  ],
})

export { expect } from '@playwright/test'
