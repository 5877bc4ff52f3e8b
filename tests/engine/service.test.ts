/**
 * The service and the CLI against the private engine: load a generated image, run a container
 * from it with no network, and read both back through Drydock.
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createInProcessClient } from '../../src/core/in-process-client'
import { fetchImageFacts } from '../../src/core/engine/facts-reads'
import { DrydockService } from '../../src/core/service'
import { busyboxLayer, loadImages } from '../support/image-archive'
import { tempDir } from '../support/temp-dir'
import {
  cleanupTestObjects,
  createTestContainer,
  createTestRun,
  requireTestEngine,
  testRef,
} from '../support/test-engine'

const engine = await requireTestEngine()
const run = createTestRun('service')
const bin = join(__dirname, '../../bin/drydock.js')

describe.skipIf(engine.skip)('service against the private engine', () => {
  const service = new DrydockService({
    host: engine.host,
    transport: 'in-process',
    version: 'test',
    env: {},
  })
  const client = createInProcessClient(service)

  // Two images on a base layer no other test has (its file's seed is this suite's own).
  const sharedBase = { files: { '/base.bin': { size: 120_000, seed: 0x5e41 } } }
  let sharing: { small: string; big: string } | undefined

  beforeAll(async () => {
    const [image, small, big] = await loadImages(
      engine.docker,
      [
        {
          tags: [testRef('service', '1')],
          created: '2024-05-01T00:00:00Z',
          layers: [busyboxLayer()],
        },
        {
          tags: [testRef('service-shares', 'small')],
          created: '2024-05-02T00:00:00Z',
          layers: [sharedBase, { files: { '/small.bin': { size: 10_000, seed: 1 } } }],
        },
        {
          tags: [testRef('service-shares', 'big')],
          created: '2024-05-03T00:00:00Z',
          layers: [sharedBase, { files: { '/big.bin': { size: 50_000, seed: 2 } } }],
        },
      ],
      run,
    )
    sharing = { small: small!.id, big: big!.id }
    await createTestContainer(engine.docker, run, { image: image!.id, start: true })
  })

  afterAll(async () => {
    service.close()
    await cleanupTestObjects(engine.docker, run)
  })

  it('connects and reports the engine the docker API reports', async () => {
    const state = await client.getConnection()
    expect(state.status).toBe('connected')
    // Drydock reads who the engine is from /info and its answer's headers (engine-kind.ts): what
    // /version says, the same.
    const version = await engine.docker.version()
    const info = await client.getEngineInfo()
    expect(info).toMatchObject({
      host: engine.host,
      hostSource: 'option',
      version: version.Version,
      apiVersion: version.ApiVersion,
      arch: version.Arch,
      kernelVersion: version.KernelVersion,
      osType: version.Os,
      storageDriver: 'overlay2',
      imageStore: 'graphdriver',
      engineKind: 'docker',
    })
    expect(info.dataRoot).toMatch(/drydock-test-engine|data/)
  })

  it('sees the loaded image and the running container', async () => {
    const info = await client.getEngineInfo()
    expect(info.images).toBeGreaterThanOrEqual(1)
    expect(info.containersRunning).toBeGreaterThanOrEqual(1)
  })

  it('reads image layers the same through the lean getter and through dockerode', async () => {
    const connection = await service.connections.require()
    const [image] = (await engine.docker.listImages()).filter((i) =>
      i.RepoTags?.includes(testRef('service', '1')),
    )
    const lean = await fetchImageFacts(connection.docker, image!.Id, connection.getJson)
    const full = await fetchImageFacts(connection.docker, image!.Id, null)
    expect(lean).toEqual(full)
    expect(lean.layers[0]!.size).toBeGreaterThan(0)
    expect(lean.createdAt).toMatch(/^\d{4}-/)
    await expect(connection.getJson!('/images/sha256%3Anope/json')).rejects.toMatchObject({
      statusCode: 404,
    })
  })

  it("lists images without their sharers, and reads one image's sharers when asked", async () => {
    const listed = await client.listImages()
    const small = listed.find((image) => image.id === sharing!.small)
    expect(small).toBeDefined()
    expect(small).not.toHaveProperty('sharesWith')
    // The base layer alone is shared: its bytes, and nothing of the other image's own layer.
    const sharers = await client.getImageSharers({ id: sharing!.small })
    expect(sharers).toHaveLength(1)
    expect(sharers[0]!.id).toBe(sharing!.big)
    expect(sharers[0]!.bytes).toBeGreaterThanOrEqual(120_000)
    expect(sharers[0]!.bytes).toBeLessThan(130_000)
    expect(await client.getImageSharers({ id: sharing!.big })).toEqual([
      { id: sharing!.small, bytes: sharers[0]!.bytes },
    ])
    await expect(client.getImageSharers({ id: 'sha256:nope' })).rejects.toMatchObject({
      code: 'not-found',
    })
  })

  it('emits a connection event on reconnect', async () => {
    const seen: string[] = []
    const unsubscribe = client.subscribe((event) => {
      if (event.name === 'connection') seen.push(event.payload.status)
    })
    const state = await client.reconnect()
    unsubscribe()
    expect(state.status).toBe('connected')
    expect(seen).toContain('connected')
  })

  it('drydock status --json (the built CLI) prints the same engine', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      bin,
      '--host',
      engine.host,
      '--json',
      'status',
    ])
    const parsed = JSON.parse(stdout) as {
      engine: { reachable: boolean; version: string; dataRoot: string }
    }
    const info = await client.getEngineInfo()
    expect(parsed.engine).toMatchObject({
      reachable: true,
      version: info.version,
      dataRoot: info.dataRoot,
    })
  })

  it('drydock plan in a terminal (the built CLI, util-linux script) names the engine first, once', async () => {
    const db = join(tempDir('drydock-plan-tty-'), 'log.sqlite')
    const command = [process.execPath, bin, '--host', engine.host, '--db', db, 'plan', '--dangling']
    const { stdout } = await promisify(execFile)('script', [
      '-q',
      '-e',
      '-c',
      command.map((arg) => `'${arg}'`).join(' '),
      '/dev/null',
    ])
    const lines = stdout.replace(/\r/g, '').split('\n')
    const info = await client.getEngineInfo()
    const header = `Docker ${info.version} at ${engine.host}`
    // The entry prints it from its first early answer; the command must not print it again.
    expect(lines[0]).toBe(header)
    expect(lines.filter((line) => line === header)).toHaveLength(1)
  })
})
