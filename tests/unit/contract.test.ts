import { describe, expect, it } from 'vitest'
import { createClient } from '../../src/shared/client'
import { METHOD_NAMES } from '../../src/shared/channels'
import { events, methods, type DrydockHandlers } from '../../src/shared/contract'
import { DrydockError } from '../../src/shared/errors'
import { DEFAULT_SETTINGS } from '../../src/shared/settings'
import { MAX_IMAGE_SHARERS } from '../../src/shared/images'
import { parseRequest } from '../../src/shared/validation'
import { createDispatcher } from '../../src/core/dispatch'

const engine = {
  host: 'unix:///var/run/docker.sock',
  hostSource: 'default',
  id: 'ENGINE-ID',
  name: 'box',
  version: '20.10.24',
  apiVersion: '1.41',
  os: 'Debian',
  osType: 'linux',
  arch: 'amd64',
  kernelVersion: '6.1',
  storageDriver: 'overlay2',
  imageStore: 'graphdriver' as const,
  engineKind: 'docker' as const,
  dataRoot: '/var/lib/docker',
  cpus: 2,
  memoryBytes: 1,
  images: 0,
  containers: 0,
  containersRunning: 0,
}

/** A service stand-in: the contract tests are about the boundary, not the engine. */
const fakeService: DrydockHandlers = {
  getAppInfo: async () => ({ name: 'Drydock', version: '0.0.0', transport: 'in-process' }),
  getConnection: async () => ({
    status: 'connected',
    host: engine.host,
    since: '2026-01-01T00:00:00.000Z',
    engine,
  }),
  reconnect: async () => {
    throw new DrydockError('engine-unreachable', 'Cannot reach the Docker engine at x: refused.')
  },
  getEngineInfo: async () => engine,
  getDiskUsage: async () => {
    throw new DrydockError('engine-unreachable', 'no engine in this test')
  },
  listEngines: async () => [],
  switchEngine: async () => {
    throw new DrydockError('invalid-request', 'one engine here')
  },
  listImages: async () => [],
  getImageSharers: async () => [],
  listContainers: async () => ({ items: [], sizesAt: null, refreshing: false }),
  listVolumes: async () => ({ items: [], sizesAt: null, refreshing: false }),
  listBuildCache: async () => ({ items: [], sizesAt: null, refreshing: false }),
  getAutomation: async () => ({
    enabled: false,
    nextAt: null,
    wouldRemove: null,
    previewError: null,
    recent: [],
  }),
  planCleanup: async () => {
    throw new DrydockError('engine-unreachable', 'no engine in this test')
  },
  runCleanup: async () => {
    throw new DrydockError('not-found', 'no plan')
  },
  cancelCleanup: async () => ({ cancelled: false }),
  listRuns: async () => [],
  getRun: async () => null,
  restoreImage: async () => {
    throw new DrydockError('engine-unreachable', 'no engine in this test')
  },
  getUsageSeries: async () => ({ host: null, resolution: 'raw', points: [] }),
  getLatestUsage: async () => null,
  getReclaimable: async () => {
    throw new DrydockError('engine-unreachable', 'no engine in this test')
  },
  getSettings: async () => DEFAULT_SETTINGS,
  updateSettings: async () => DEFAULT_SETTINGS,
  getLogStatus: async () => ({
    path: null,
    status: 'ok',
    error: null,
    movedAsideTo: null,
    recoveryPending: null,
  }),
  acknowledgeLogRecovery: async () => ({
    path: null,
    status: 'ok',
    error: null,
    movedAsideTo: null,
    recoveryPending: null,
  }),
  getMonitorState: async () => ({ active: [], snoozedUntil: null, lastCheckAt: null }),
  snoozeAlerts: async () => ({ active: [], snoozedUntil: null, lastCheckAt: null }),
}

describe('contract schemas', () => {
  it('lists a request and a response schema for every method name', () => {
    expect(Object.keys(methods).sort()).toEqual([...METHOD_NAMES].sort())
  })

  it.each([
    ['a string', 'hello'],
    ['an array', []],
    ['null', null],
    ['an unknown key', { force: true }],
  ])(
    'rejects %s as the request of an argument-less method with a typed error',
    (_label, payload) => {
      let thrown: unknown
      try {
        parseRequest('getConnection', payload)
      } catch (error) {
        thrown = error
      }
      expect(thrown).toBeInstanceOf(DrydockError)
      expect((thrown as DrydockError).code).toBe('invalid-request')
      expect((thrown as DrydockError).message).toMatch(/^Invalid request for getConnection: /)
      expect((thrown as DrydockError).details).toMatchObject({ issues: expect.any(Array) })
    },
  )

  it.each([
    ['no ID', {}],
    ['an empty ID', { id: '' }],
    ['an unknown key', { id: 'sha256:ab', all: true }],
  ])('rejects a sharers request with %s', (_label, payload) => {
    expect(() => parseRequest('getImageSharers', payload)).toThrow(
      /^Invalid request for getImageSharers: /,
    )
  })

  it(`bounds a sharers answer at ${MAX_IMAGE_SHARERS}`, () => {
    const sharers = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ id: `sha256:${i}`, bytes: i }))
    expect(methods.getImageSharers.response.safeParse(sharers(MAX_IMAGE_SHARERS)).success).toBe(
      true,
    )
    expect(methods.getImageSharers.response.safeParse(sharers(MAX_IMAGE_SHARERS + 1)).success).toBe(
      false,
    )
  })

  it('accepts an omitted request as {}', () => {
    expect(parseRequest('getAppInfo', undefined)).toEqual({})
  })

  it('validates event payloads: a connection state needs its discriminant fields', () => {
    expect(events.connection.safeParse({ status: 'connected', host: 'x' }).success).toBe(false)
    expect(
      events.connection.safeParse({
        status: 'unreachable',
        host: 'x',
        since: '2026-01-01T00:00:00.000Z',
        code: 'engine-unreachable',
        reason: 'r',
      }).success,
    ).toBe(true)
  })
})

describe('dispatcher and client', () => {
  const dispatch = createDispatcher(fakeService)
  const client = createClient({ call: (m, r) => dispatch(m, r), subscribe: () => () => undefined })

  it('answers a valid call with an ok envelope', async () => {
    await expect(dispatch('getEngineInfo', {})).resolves.toEqual({ ok: true, value: engine })
  })

  it('answers an unknown method with unknown-method', async () => {
    const envelope = await dispatch('deleteEverything', {})
    expect(envelope).toMatchObject({ ok: false, error: { code: 'unknown-method' } })
  })

  it('answers an invalid payload with invalid-request and never calls the service', async () => {
    let called = false
    const spying = createDispatcher({
      ...fakeService,
      getEngineInfo: async () => {
        called = true
        return engine
      },
    })
    const envelope = await spying('getEngineInfo', { unexpected: 1 })
    expect(envelope).toMatchObject({ ok: false, error: { code: 'invalid-request' } })
    expect(called).toBe(false)
  })

  it('rebuilds a typed DrydockError on the client side', async () => {
    const error = await client.reconnect().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DrydockError)
    expect(error).toMatchObject({ code: 'engine-unreachable' })
  })

  it('checks answers against the response schemas when asked (as every test run does)', async () => {
    expect(process.env.DRYDOCK_CHECK_RESPONSES).toBe('1')
    const lying = createDispatcher(
      { ...fakeService, getEngineInfo: async () => ({ ...engine, cpus: -1 }) },
      { checkResponses: true },
    )
    const envelope = await lying('getEngineInfo', {})
    expect(envelope).toMatchObject({
      ok: false,
      error: { code: 'internal', message: expect.stringMatching(/broke the contract: cpus/) },
    })
    const trusting = createDispatcher(
      { ...fakeService, getEngineInfo: async () => ({ ...engine, cpus: -1 }) },
      { checkResponses: false },
    )
    await expect(trusting('getEngineInfo', {})).resolves.toMatchObject({ ok: true })
  })

  it('turns a malformed envelope into an internal error', async () => {
    const broken = createClient({ call: async () => 'nonsense', subscribe: () => () => undefined })
    await expect(broken.getAppInfo()).rejects.toMatchObject({ code: 'internal' })
  })
})
