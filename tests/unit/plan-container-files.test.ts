/**
 * A plan that removes containers counts each one's directory under the engine's data root (its
 * log above all), walked while the engine still lists (engine/container-files.ts). The walk must
 * not cost the plan its connection: one connection check, each list asked for once. A stub
 * engine on a unix socket whose data root is a directory of this test's own.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/program'
import { recordingIo } from '../support/cli-io'
import { tempDir } from '../support/temp-dir'

const CONTAINER = 'c'.repeat(64)
const IMAGE = `sha256:${'a'.repeat(64)}`
const LAYER = `sha256:${'b'.repeat(64)}`
const CHECK_DELAY_MS = 200

let server: Server | null = null
afterEach(() => {
  server?.close()
  server = null
})

/** An engine holding one image and one exited container (1,000 bytes in its writable layer). */
async function stubEngine(dataRoot: string, seen: string[]): Promise<string> {
  const socket = join(tempDir(), 'engine.sock')
  server = createServer((req, res) => {
    const path = (req.url ?? '').replace(/^\/v[\d.]+/, '')
    seen.push(`${req.method} ${path}`)
    const json = (body: unknown) => {
      res.writeHead(200, { 'Content-Type': 'application/json', Server: 'Docker/20.10.24 (linux)' })
      res.end(JSON.stringify(body))
    }
    const bare = path.split('?')[0]
    if (bare === '/_ping') return void res.end('OK')
    if (bare === '/version') return json({ Version: '20.10.24', ApiVersion: '1.41', Os: 'linux' })
    if (bare === '/info') {
      // Answered late: the lists must not wait for it (they go out with the check).
      setTimeout(() => {
        seen.push('answered /info')
        json({ ID: 'STUB', Name: 'stub', Driver: 'overlay2', DockerRootDir: dataRoot })
      }, CHECK_DELAY_MS)
      return
    }
    if (bare === '/images/json') {
      return json([{ Id: IMAGE, RepoTags: ['app:1'], RepoDigests: [], Created: 1, Size: 10 }])
    }
    if (bare === '/containers/json') {
      return json([
        {
          Id: CONTAINER,
          Names: ['/old'],
          Image: 'app:1',
          ImageID: IMAGE,
          State: 'exited',
          Created: 1,
          SizeRw: 1_000,
          Mounts: [],
        },
      ])
    }
    if (bare === '/volumes') return json({ Volumes: [], Warnings: null })
    if (bare === '/system/df') {
      return json({ LayersSize: 10, Images: [], Containers: [], Volumes: [], BuildCache: [] })
    }
    if (bare === `/images/${IMAGE}/json`) {
      return json({ Id: IMAGE, Created: '2024-01-01T00:00:00Z', RootFS: { Layers: [LAYER] } })
    }
    if (bare === `/images/${IMAGE}/history`) {
      return json([{ Id: IMAGE, Created: 1, CreatedBy: 'ADD rootfs /', Size: 10 }])
    }
    res.writeHead(404, { 'Content-Type': 'application/json' })
    res.end(JSON.stringify({ message: `no stub for ${bare}` }))
  })
  await new Promise<void>((resolve) => server!.listen(socket, resolve))
  return `unix://${socket}`
}

describe('a plan that removes containers', () => {
  it('counts their directories and still checks the engine once and lists once', async () => {
    const dataRoot = tempDir()
    mkdirSync(join(dataRoot, 'containers', CONTAINER), { recursive: true })
    writeFileSync(join(dataRoot, 'containers', CONTAINER, `${CONTAINER}-json.log`), 'x'.repeat(500))
    const seen: string[] = []
    const host = await stubEngine(dataRoot, seen)
    const io = recordingIo()
    const db = join(tempDir(), 'log.sqlite')
    const code = await runCli(
      ['--host', host, '--db', db, 'plan', '--stopped-containers', '--json'],
      io,
    )
    expect(io.err()).toBe('')
    expect(code).toBe(0)
    const plan = JSON.parse(io.out()) as { items: { kind: string; reclaimBytes: number }[] }
    // Its writable layer (SizeRw) and its directory: the log and nothing else here.
    expect(plan.items).toEqual([
      expect.objectContaining({ kind: 'container', reclaimBytes: 1_500 }),
    ])
    const count = (prefix: string) => seen.filter((line) => line.startsWith(prefix)).length
    expect(count('GET /info')).toBe(1)
    expect(count('GET /containers/json')).toBe(1)
    expect(count('GET /images/json')).toBe(1)
    // The lists left with the connection check, before its answer (the walk ahead waits for the
    // check; started first, it would have made the plan wait for it too).
    expect(seen.indexOf('GET /containers/json?all=1&size=1')).toBeLessThan(
      seen.indexOf('answered /info'),
    )
  })
})
