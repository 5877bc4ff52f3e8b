import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { resolveHost } from '../../src/core/engine/host'
import { suiteTempDir, tempDir } from '../support/temp-dir'

function dockerConfig(
  context?: { name: string; host: string; tls?: boolean },
  dir = tempDir('drydock-docker-config-'),
): string {
  if (!context) return dir
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ currentContext: context.name }))
  const id = createHash('sha256').update(context.name).digest('hex')
  mkdirSync(join(dir, 'contexts', 'meta', id), { recursive: true })
  writeFileSync(
    join(dir, 'contexts', 'meta', id, 'meta.json'),
    JSON.stringify({
      Name: context.name,
      Endpoints: { docker: { Host: context.host, SkipTLSVerify: false } },
    }),
  )
  if (context.tls) {
    const tlsDir = join(dir, 'contexts', 'tls', id, 'docker')
    mkdirSync(tlsDir, { recursive: true })
    for (const file of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(tlsDir, file), file)
  }
  return dir
}

describe('host resolution order', () => {
  const context = dockerConfig(
    { name: 'remote', host: 'tcp://ctx.example:2376', tls: true },
    suiteTempDir('drydock-docker-config-'),
  )

  it('prefers --host over everything', () => {
    const host = resolveHost({
      explicit: 'unix:///run/explicit.sock',
      env: { DOCKER_HOST: 'tcp://env.example:2375' },
      platform: 'linux',
      dockerConfigDir: context,
    })
    expect(host).toMatchObject({ url: 'unix:///run/explicit.sock', source: 'option', local: true })
    // docker-modem merges DOCKER_HOST-derived defaults under our options: host must be cleared.
    expect(host.modem).toMatchObject({ socketPath: '/run/explicit.sock', host: undefined })
    expect('host' in host.modem).toBe(true)
  })

  it('then DOCKER_HOST', () => {
    const host = resolveHost({
      env: { DOCKER_HOST: 'tcp://env.example:2375' },
      platform: 'linux',
      dockerConfigDir: context,
    })
    expect(host).toMatchObject({
      url: 'tcp://env.example:2375',
      source: 'DOCKER_HOST',
      local: false,
    })
    expect(host.modem).toMatchObject({ protocol: 'http', host: 'env.example', port: 2375 })
  })

  it('then the current docker context, with its TLS material', () => {
    const host = resolveHost({ env: {}, platform: 'linux', dockerConfigDir: context })
    expect(host).toMatchObject({ url: 'tcp://ctx.example:2376', source: 'context:remote' })
    expect(host.modem).toMatchObject({ protocol: 'https', host: 'ctx.example', port: 2376 })
    expect(String(host.modem.ca)).toBe('ca.pem')
  })

  it('DOCKER_CONTEXT=default skips the configured context', () => {
    const host = resolveHost({
      env: { DOCKER_CONTEXT: 'default' },
      platform: 'linux',
      dockerConfigDir: context,
    })
    expect(host).toMatchObject({ url: 'unix:///var/run/docker.sock', source: 'default' })
  })

  it('then the platform default', () => {
    const empty = dockerConfig()
    expect(resolveHost({ env: {}, platform: 'linux', dockerConfigDir: empty }).url).toBe(
      'unix:///var/run/docker.sock',
    )
    const windows = resolveHost({ env: {}, platform: 'win32', dockerConfigDir: empty })
    expect(windows.url).toBe('npipe:////./pipe/docker_engine')
    expect(windows.modem.socketPath).toBe('\\\\.\\pipe\\docker_engine')
  })
})

describe('host URL schemes', () => {
  const resolve = (url: string, env: Record<string, string> = {}) =>
    resolveHost({ explicit: url, env, platform: 'linux', dockerConfigDir: dockerConfig() })

  it('tcp with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH uses https and the certificates', () => {
    const certs = tempDir('drydock-certs-')
    for (const file of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(certs, file), file)
    const host = resolve('tcp://10.0.0.5', { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs })
    expect(host.modem).toMatchObject({ protocol: 'https', host: '10.0.0.5', port: 2376 })
    expect(String(host.modem.cert)).toBe('cert.pem')
  })

  it('ssh with user and port', () => {
    const host = resolve('ssh://deploy@build.example:2222', { SSH_AUTH_SOCK: '/run/agent' })
    expect(host.modem).toMatchObject({
      protocol: 'ssh',
      host: 'build.example',
      port: 2222,
      username: 'deploy',
      sshOptions: { agent: '/run/agent' },
    })
    expect(host.local).toBe(false)
  })

  it('plain tcp to another machine warns; loopback, TLS, ssh and sockets do not', () => {
    const remote = resolve('tcp://203.0.113.5:2375')
    expect(remote.warnings).toHaveLength(1)
    expect(remote.warnings![0]).toMatch(/^tcp:\/\/203\.0\.113\.5:2375 is plain tcp without TLS/)
    expect(resolve('tcp://docker.example').warnings).toHaveLength(1)
    expect(resolve('http://docker.example:2375').warnings).toHaveLength(1)
    for (const quiet of [
      'tcp://127.0.0.1:2375',
      'tcp://127.8.9.10:2375',
      'tcp://localhost:2375',
      'tcp://[::1]:2375',
      'tcp://[::ffff:127.0.0.1]:2375',
      'https://docker.example:2376',
      'ssh://deploy@build.example',
      'unix:///var/run/docker.sock',
    ]) {
      expect(resolve(quiet).warnings, quiet).toEqual([])
    }
    const certs = tempDir('drydock-certs-')
    const tls = resolve('tcp://10.0.0.5', { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs })
    expect(tls.warnings).toEqual([])
  })

  it('ssh hosts carry a known_hosts check for ssh2 to run', () => {
    const host = resolve('ssh://deploy@build.example:2222')
    expect(host.hostKeyCheck?.target).toEqual({
      host: 'build.example',
      port: 2222,
      username: 'deploy',
    })
    expect(host.modem.sshOptions?.hostVerifier).toBe(host.hostKeyCheck!.verify)
  })

  it('IPv6 tcp hosts', () => {
    expect(resolve('tcp://[::1]:2375').modem).toMatchObject({ host: '::1', port: 2375 })
  })

  it.each([
    ['/var/run/docker.sock', /expected scheme:\/\/address/],
    ['unix://', /must be absolute/],
    ['npipe://pipe', /expected npipe/],
    ['tcp://host:port', /not a valid host/],
    ['tcp://host:2375/path', /path is not allowed/],
    ['gopher://host', /not supported/],
  ])('refuses %j with invalid-host', (url, message) => {
    expect(() => resolve(url)).toThrowError(message)
    try {
      resolve(url)
    } catch (error) {
      expect(error).toMatchObject({ code: 'invalid-host' })
    }
  })
})
