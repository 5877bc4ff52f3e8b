/** Finding the engines a user has (core/engine/discovery.ts), with a stand-in for the disk. */
import { describe, expect, it } from 'vitest'
import { discoverEngines } from '../../src/core/engine/discovery'

const home = '/home/ada'

describe('engine discovery', () => {
  it('lists DOCKER_HOST, every context and the sockets that exist, each host once', () => {
    const sockets = new Set([
      '/var/run/docker.sock',
      `${home}/.docker/run/docker.sock`,
      `${home}/.colima/default/docker.sock`,
      '/run/user/1000/podman/podman.sock',
    ])
    const engines = discoverEngines({
      env: { DOCKER_HOST: 'tcp://10.0.0.5:2376', XDG_RUNTIME_DIR: '/run/user/1000' },
      platform: 'linux',
      home,
      isSocket: (path) => sockets.has(path),
      contexts: [
        { name: 'colima', host: `unix://${home}/.colima/default/docker.sock` },
        { name: 'prod', host: 'ssh://deploy@prod.example' },
      ],
    })
    expect(engines.map((engine) => [engine.name, engine.host])).toEqual([
      ['DOCKER_HOST', 'tcp://10.0.0.5:2376'],
      ['context colima', `unix://${home}/.colima/default/docker.sock`],
      ['context prod', 'ssh://deploy@prod.example'],
      ['Docker (system)', 'unix:///var/run/docker.sock'],
      ['Docker Desktop', `unix://${home}/.docker/run/docker.sock`],
      ['Podman (rootless)', 'unix:///run/user/1000/podman/podman.sock'],
    ])
  })

  it('finds nothing where nothing is', () => {
    expect(
      discoverEngines({ env: {}, platform: 'linux', home, isSocket: () => false, contexts: [] }),
    ).toEqual([])
  })

  it('on Windows, the Docker Desktop pipe', () => {
    expect(
      discoverEngines({ env: {}, platform: 'win32', home, contexts: [] }).map((e) => e.host),
    ).toEqual(['npipe:////./pipe/docker_engine'])
  })
})
