/**
 * The CLI clean's run view, prepared while its plan is made (cleaner/watch-ahead.ts): the event
 * stream opens as the plan's lists go out, and the snapshot is asked for the moment the plan's lists are
 * in, before the plan holds the event loop. The engine is faked (its event stream and lists): what
 * is checked is when each request leaves, which a real engine cannot show.
 */
import { PassThrough } from 'node:stream'
import { describe, expect, it, vi } from 'vitest'
import { WatchAhead, type ListedConnections } from '../../src/core/cleaner/watch-ahead'
import type { EngineConnection } from '../../src/core/engine/connection'

function fakeConnection() {
  const events = new PassThrough()
  const get = vi.fn((path: string) =>
    Promise.resolve(path.startsWith('/images') ? [{ Id: 'sha256:a', RepoTags: ['app:1'] }] : []),
  )
  const getEvents = vi.fn(() => Promise.resolve(events))
  const connection = { docker: { getEvents }, getJson: get } as unknown as EngineConnection
  return { connection, events, get, getEvents }
}

function fakeConnections(current: () => EngineConnection) {
  const listing = new Set<(connection: EngineConnection) => void>()
  const listed = new Set<(connection: EngineConnection) => void>()
  const connections: ListedConnections = {
    onListing: (listener) => (listing.add(listener), () => listing.delete(listener)),
    onListed: (listener) => (listed.add(listener), () => listed.delete(listener)),
    require: () => Promise.resolve(current()),
    peek: () => ({ status: 'connecting', host: 'unix:///fake.sock', since: '' }),
  }
  return {
    connections,
    send: (connection: EngineConnection) => [...listing].forEach((l) => l(connection)),
    list: (connection: EngineConnection) => [...listed].forEach((l) => l(connection)),
    listeners: () => listing.size + listed.size,
  }
}

const turn = () => new Promise((resolve) => setImmediate(resolve))

describe('the run view prepared while the plan is made', () => {
  it('opens the stream as the lists go out and sends the snapshot as they arrive, without a turn of the event loop', async () => {
    const engine = fakeConnection()
    const fake = fakeConnections(() => engine.connection)
    const ahead = new WatchAhead(fake.connections)
    ahead.prepare()
    fake.send(engine.connection)
    await turn()
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
    const engine = fakeConnection()
    const fake = fakeConnections(() => engine.connection)
    const ahead = new WatchAhead(fake.connections)
    ahead.prepare()
    fake.list(engine.connection)
    expect(engine.get).not.toHaveBeenCalled() // the stream first
    const watch = await ahead.take(engine.connection, 'docker')
    expect(engine.getEvents).toHaveBeenCalledTimes(1)
    expect(engine.get).toHaveBeenCalledTimes(2)
    expect(watch?.live).toBe(true)
    watch!.close()
  })

  it('drops what it opened for a connection the check refused, and the run opens its own', async () => {
    const refused = fakeConnection()
    const adopted = fakeConnection()
    const fake = fakeConnections(() => adopted.connection)
    const ahead = new WatchAhead(fake.connections)
    ahead.prepare()
    fake.send(refused.connection)
    await turn()
    fake.list(adopted.connection)
    await turn()
    expect(refused.events.destroyed).toBe(true)
    expect(refused.get).not.toHaveBeenCalled()
    const watch = await ahead.take(adopted.connection, 'docker')
    expect(watch?.live).toBe(true)
    watch!.close()

    // Lists from the refused connection: nothing prepared for the run.
    const other = fakeConnection()
    ahead.prepare()
    fake.list(other.connection)
    expect(await ahead.take(adopted.connection, 'docker')).toBeNull()
    expect(other.events.destroyed).toBe(true)
  })

  it('assumes Docker before the engine is named, and a run on Podman opens its own', async () => {
    const engine = fakeConnection()
    const fake = fakeConnections(() => engine.connection)
    const ahead = new WatchAhead(fake.connections)
    ahead.prepare()
    fake.send(engine.connection)
    await turn()
    // Docker's filter: the actions that stale a snapshot (Podman names its events otherwise).
    const [options] = engine.getEvents.mock.calls[0] as unknown as [{ filters: object }]
    expect(options.filters).toHaveProperty('event')
    fake.list(engine.connection)
    expect(await ahead.take(engine.connection, 'podman')).toBeNull()
    expect(engine.events.destroyed).toBe(true)
  })

  it('closes a stream whose lists never came', async () => {
    const engine = fakeConnection()
    const fake = fakeConnections(() => engine.connection)
    const ahead = new WatchAhead(fake.connections)
    ahead.prepare()
    fake.send(engine.connection)
    await turn()
    ahead.close()
    await turn()
    expect(engine.events.destroyed).toBe(true)
    expect(fake.listeners()).toBe(0)
    expect(await ahead.take(engine.connection, 'docker')).toBeNull()
  })

  it('leaves the watch it handed over open when the command later closes', async () => {
    const engine = fakeConnection()
    const fake = fakeConnections(() => engine.connection)
    const ahead = new WatchAhead(fake.connections)
    ahead.prepare()
    fake.send(engine.connection)
    await turn()
    fake.list(engine.connection)
    const watch = await ahead.take(engine.connection, 'docker')
    ahead.close()
    await turn()
    expect(watch?.live).toBe(true)
    expect(engine.events.destroyed).toBe(false)
    watch!.close()
  })
})
