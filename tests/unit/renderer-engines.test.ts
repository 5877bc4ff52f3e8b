/** The engine switcher's and History's words for an engine: a name, and where it is. */
import { describe, expect, it } from 'vitest'
import {
  engineName,
  engineWhere,
  entryFor,
  hostAddress,
  hostLocation,
} from '../../src/renderer/src/engines/engine-words'

describe('hostLocation', () => {
  it('tells a local socket from a remote host, by the address alone', () => {
    expect(hostLocation('unix:///var/run/docker.sock')).toBe('Local')
    expect(hostLocation('npipe:////./pipe/docker_engine')).toBe('Local')
    expect(hostLocation('tcp://127.0.0.1:2375')).toBe('Local (tcp)')
    expect(hostLocation('tcp://localhost:2375')).toBe('Local (tcp)')
    expect(hostLocation('tcp://[::1]:2375')).toBe('Local (tcp)')
    expect(hostLocation('tcp://build.example.com:2376')).toBe('Remote (tcp)')
    expect(hostLocation('ssh://me@build-box')).toBe('Remote (ssh)')
    expect(hostLocation('nonsense')).toBe('Unknown location')
  })
})

describe('engineName', () => {
  it('keeps the name the engine was found by', () => {
    expect(
      engineName({ name: 'Docker Desktop', host: 'unix:///Users/me/.docker/run/docker.sock' }),
    ).toBe('Docker Desktop')
    expect(engineName({ name: 'context colima', host: 'unix:///x/docker.sock' })).toBe(
      'context colima',
    )
  })

  it('makes one from the host when the list knows none better', () => {
    expect(engineName({ name: 'current', host: 'unix:///var/run/docker.sock' })).toBe(
      'Local Docker',
    )
    expect(
      engineName({ name: 'Settings', host: 'unix:///tmp/drydock-test-engine/docker.sock' }),
    ).toBe('drydock-test-engine')
    expect(engineName({ name: '', host: 'unix:///home/me/.colima/default/docker.sock' })).toBe(
      'default',
    )
    const followed = 'ssh://me@build-box:2222'
    expect(engineName({ name: followed, host: followed })).toBe('build-box')
    expect(engineName({ name: '', host: 'tcp://10.0.0.5:2376' })).toBe('10.0.0.5:2376')
    expect(engineName({ name: '', host: 'npipe:////./pipe/docker_engine' })).toBe('Local Docker')
  })
})

describe('engineWhere and hostAddress', () => {
  it('says where, then the address without its scheme', () => {
    expect(hostAddress('unix:///tmp/e/docker.sock')).toBe('/tmp/e/docker.sock')
    expect(engineWhere('unix:///tmp/e/docker.sock')).toBe('Local · /tmp/e/docker.sock')
    expect(engineWhere('ssh://me@build-box')).toBe('Remote (ssh) · me@build-box')
    expect(engineWhere('tcp://build:2376/')).toBe('Remote (tcp) · build:2376')
  })
})

describe('entryFor', () => {
  const listed = {
    host: 'unix:///a.sock',
    name: 'A',
    source: 'settings',
    current: true,
    followed: true,
  }

  it('finds the host in the list, or stands in for one not listed yet', () => {
    expect(entryFor([listed], 'unix:///a.sock')).toBe(listed)
    expect(entryFor(null, 'unix:///b.sock')).toEqual({
      host: 'unix:///b.sock',
      name: '',
      source: 'connection',
      current: false,
      followed: false,
    })
  })
})
