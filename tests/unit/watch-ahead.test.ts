/**
 * The CLI clean's run view, prepared while its plan is made (cleaner/watch-ahead.ts): the event
 * stream opens as the plan's lists go out, and the snapshot is asked for the moment they are in,
 * before the plan holds the event loop. The engine is faked (its event stream and lists): what is
 * checked is when each request is made, which a real engine cannot show.
 */
import { PassThrough } from 'node:stream'
import { describe, expect, it, vi } from 'vitest'
import { WatchAhead, type ListedConnections } from '../../src/core/cleaner/watch-ahead'
import type { EngineConnection } from '../../src/core/engine/connection'
import type { ConnectionState } from '../../src/shared/contract'

function fakeConnection(options: { eventsFail?: boolean } = {}) {
  const events = new PassThrough()
  const get = vi.fn((path: string) =>
    Promise.resolve(path.startsWith('/images') ? [{ Id: 'sha256:a', RepoTags: ['app:1'] }] : []),
  )
  const getEvents = vi.fn((_options: { filters: Record<string, string[]> }) =>
    options.eventsFail ? Promise.reject(new Error('no events here')) : Promise.resolve(events),
  )
  const connection = { docker: { getEvents }, getJson: get } as unknown as EngineConnection
  return { connection, events, get, getEvents }
}

function fakeConnections() {
  const listeners = new Set<(phase: 'sent' | 'in', connection: EngineConnection) => void>()
  let state: ConnectionState = { status: 'connecting', host: 'unix:///fake.sock', since: '' }
  const connections: ListedConnections = {
    onLists: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
    peek: () => state,
  }
  return {
    connections,
    send: (connection: EngineConnection) => [...listeners].forEach((l) => l('sent', connection)),
    list: (connection: EngineConnection) => [...listeners].forEach((l) => l('in', connection)),
    named: (engineKind: 'docker' | 'podman') =>
      (state = { status: 'connected', engine: { engineKind } } as unknown as ConnectionState),
    listeners: () => listeners.size,
  }
}

const turn = () => new Promise((resolve) => setImmediate(resolve))

/** A watch being prepared, and the engine whose lists it waits for. */
function preparing(options: { eventsFail?: boolean } = {}) {
  const engine = fakeConnection(options)
  const fake = fakeConnections()
  const ahead = new WatchAhead(fake.connections)
  ahead.prepare()
  return { engine, fake, ahead }
}

/** The same once the lists went out and the engine answered the stream. */
async function streamOpen(options: { eventsFail?: boolean } = {}) {
  const prepared = preparing(options)
  prepared.fake.send(prepared.engine.connection)
  await turn()
  return prepared
}

describe('the run view prepared while the plan is made', () => {
  it('opens the stream as the lists go out and asks for the snapshot as they arrive, without a turn of the event loop', async () => {
    const { engine, fake, ahead } = await streamOpen()
    expect(engine.getEvents).toHaveBeenCalledTimes(1)
    expect(engine.get).not.toHaveBeenCalled()

    fake.list(engine.connection)
    // Synchronously: the planning that follows the lists may hold the event loop at once.
    expect(engine.get.mock.calls.map(([path]) => path)).toEqual([
      '/images/json?all=1',
      '/containers/json?all=1',
    ])
    expect(fake.listeners()).toBe(0)

    const watch = await ahead.take(engine.connection, 'docker')
    expect(watch).not.toBeNull()
    await watch!.current()
    expect(watch!.trusted()?.refsOf.get('sha256:a')).toEqual(['app:1'])
    expect(engine.get).toHaveBeenCalledTimes(2) // the prepared snapshot, not a second read
    watch!.close()
    expect(engine.events.destroyed).toBe(true)
  })

  it('opens the stream when the lists arrive where it did not see them leave (then the snapshot)', async () => {
    const { engine, fake, ahead } = preparing()
    fake.list(engine.connection)
    expect(engine.get).not.toHaveBeenCalled() // the stream first
    const watch = await ahead.take(engine.connection, 'docker')
    expect(engine.getEvents).toHaveBeenCalledTimes(1)
    expect(engine.get).toHaveBeenCalledTimes(2)
    expect(watch?.live).toBe(true)
    watch!.close()
  })

  it('assumes Docker before the engine is named, and opens the stream again once it is named Podman', async () => {
    const { engine, fake, ahead } = await streamOpen()
    // Docker's filter: the actions that stale a snapshot (Podman names its events otherwise).
    expect(engine.getEvents.mock.calls[0]![0].filters).toHaveProperty('event')
    fake.named('podman')
    fake.list(engine.connection)
    const watch = await ahead.take(engine.connection, 'podman')
    expect(engine.getEvents).toHaveBeenCalledTimes(2)
    expect(engine.getEvents.mock.calls[1]![0].filters).not.toHaveProperty('event')
    expect(watch?.live).toBe(true)
    watch!.close()
    // A run on an engine of another kind than the one the stream was opened for opens its own.
    const other = fakeConnection()
    ahead.prepare()
    fake.list(other.connection)
    expect(await ahead.take(other.connection, 'docker')).toBeNull()
    expect(other.events.destroyed).toBe(true)
  })

  it('drops what it opened for lists that went out on a connection the check refused', async () => {
    const refused = fakeConnection()
    const adopted = fakeConnection()
    const fake = fakeConnections()
    const ahead = new WatchAhead(fake.connections)
    ahead.prepare()
    fake.send(refused.connection)
    await turn()
    fake.list(refused.connection) // the early lists come in first
    expect(await ahead.take(adopted.connection, 'docker')).toBeNull()
    expect(refused.events.destroyed).toBe(true)
  })

  it('asks for no snapshot on a stream that did not open', async () => {
    const { engine, fake, ahead } = await streamOpen({ eventsFail: true })
    fake.list(engine.connection)
    expect(await ahead.take(engine.connection, 'docker')).toBeNull()
    expect(engine.get).not.toHaveBeenCalled()
  })

  it('closes a stream whose lists never came in, and one left by a second prepare', async () => {
    const { engine, fake, ahead } = await streamOpen()
    ahead.prepare()
    await turn()
    expect(engine.events.destroyed).toBe(true)
    expect(fake.listeners()).toBe(1)

    const next = fakeConnection()
    fake.send(next.connection)
    ahead.close() // before the stream has even answered
    await turn()
    expect(next.events.destroyed).toBe(true)
    expect(fake.listeners()).toBe(0)
    expect(await ahead.take(next.connection, 'docker')).toBeNull()
  })

  it('leaves the watch it handed over open when the command later closes', async () => {
    const { engine, fake, ahead } = await streamOpen()
    fake.list(engine.connection)
    const watch = await ahead.take(engine.connection, 'docker')
    ahead.close()
    await turn()
    expect(watch?.live).toBe(true)
    expect(engine.events.destroyed).toBe(false)
    watch!.close()
  })
})
