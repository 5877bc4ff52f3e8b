import { chmodSync, chownSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  engineLostDuringRun,
  engineUnreachable,
  isTransportFailure,
} from '../../src/core/engine/errors'
import { readTimeoutError } from '../../src/core/engine/read-timeouts'
import { DrydockError } from '../../src/shared/errors'
import { resolveHost } from '../../src/core/engine/host'
import { suiteTempDir } from '../support/temp-dir'

const errno = (code: string, message = code) => Object.assign(new Error(message), { code })

describe('engine errors name the host and the cause in one sentence', () => {
  const socket = join(suiteTempDir('drydock-sock-'), 'docker.sock')
  writeFileSync(socket, '')
  // gid 0 is "root" in every /etc/group; the message must name the group that grants access.
  chownSync(socket, 0, 0)
  chmodSync(socket, 0o660)
  const host = resolveHost({ explicit: `unix://${socket}`, env: {}, platform: 'linux' })

  it.each([
    ['ENOENT', /the socket does not exist \(is the Docker engine running\?\)\.$/],
    ['ECONNREFUSED', /the connection was refused/],
    // A root:root socket: only root may use it (joining the root group is never the advice).
    [
      'EACCES',
      /permission denied on the socket, which only root may use; run the command with sudo, or point --host or DOCKER_HOST at an engine you may use/,
    ],
    ['ENOTFOUND', /the host name does not resolve/],
    ['ETIMEDOUT', /the host did not answer \(ETIMEDOUT\)/],
  ])('%s', (code, message) => {
    const error = engineUnreachable(errno(code), host)
    expect(error.code).toBe('engine-unreachable')
    expect(error.message).toMatch(
      new RegExp(`^Cannot reach the Docker engine at unix://${socket}: `),
    )
    expect(error.message).toMatch(message)
    expect(error.message.split('\n')).toHaveLength(1)
  })

  it('a TLS failure says so', () => {
    const tcp = resolveHost({
      explicit: 'tcp://docker.example:2376',
      env: { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/nonexistent' },
      platform: 'linux',
    })
    const error = engineUnreachable(
      errno('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"),
      tcp,
    )
    expect(error.message).toMatch(
      /^Cannot reach the Docker engine at tcp:\/\/docker.example:2376: the TLS handshake failed/,
    )
  })
})

describe('permission denied says how to get in (tests/faults/socket-refused.test.ts on real sockets)', () => {
  const dir = suiteTempDir('drydock-sock-')
  // A group other than root that /etc/group names (Debian: daemon, gid 1).
  const [groupName, gid] = readFileSync('/etc/group', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .filter((entry) => entry.length >= 3 && entry[2] !== '0')
    .map((entry) => [entry[0]!, Number(entry[2])] as const)[0]!
  const socketWith = (name: string, mode: number) => {
    const path = join(dir, name)
    writeFileSync(path, '')
    chownSync(path, 0, gid)
    chmodSync(path, mode)
    return resolveHost({ explicit: `unix://${path}`, env: {}, platform: 'linux' })
  }

  it('a group that may use the socket: join it (or sudo)', () => {
    const error = engineUnreachable(errno('EACCES'), socketWith('group.sock', 0o660))
    expect(error.message).toContain(
      `permission denied on the socket; members of the group "${groupName}" may use it (sudo usermod -aG ${groupName} $USER, then log in again), or run the command with sudo.`,
    )
  })

  it('a group that may not write to it: joining would not help', () => {
    const error = engineUnreachable(errno('EACCES'), socketWith('owner.sock', 0o640))
    expect(error.message).toMatch(/which only root may use; run the command with sudo/)
    expect(error.message).not.toMatch(/usermod/)
  })

  it('no socket to look at (a closed directory on the way): sudo or another host', () => {
    const host = resolveHost({
      explicit: `unix://${join(dir, 'missing', 'docker.sock')}`,
      env: {},
      platform: 'linux',
    })
    expect(engineUnreachable(errno('EACCES'), host).message).toMatch(
      /permission denied on the socket; run the command with sudo, or point --host or DOCKER_HOST at an engine you may use\.$/,
    )
  })
})

describe('a cleanup that loses its engine (tests/faults/engine-killed.test.ts)', () => {
  it('an error without an HTTP answer is a lost engine; an HTTP error is not', () => {
    expect(isTransportFailure(errno('ECONNREFUSED'))).toBe(true)
    expect(isTransportFailure(errno('ECONNRESET', 'socket hang up'))).toBe(true)
    expect(isTransportFailure(errno('EPIPE'))).toBe(true)
    expect(isTransportFailure(readTimeoutError('/images/json', 30_000))).toBe(true)
    expect(
      isTransportFailure(
        Object.assign(new Error('(HTTP code 404) no such image'), { statusCode: 404 }),
      ),
    ).toBe(false)
    expect(isTransportFailure(Object.assign(new Error('conflict'), { statusCode: 409 }))).toBe(
      false,
    )
    expect(isTransportFailure(new DrydockError('engine-error', 'x'))).toBe(false)
    expect(isTransportFailure(new TypeError('a bug'))).toBe(false)
  })

  it('says so in one sentence with the host, the cause and what the log will say', () => {
    const error = engineLostDuringRun(errno('ECONNREFUSED'), {
      url: 'unix:///run/docker.sock',
      socketPath: '/run/docker.sock',
    })
    expect(error.code).toBe('engine-unreachable')
    expect(error.message).toBe(
      'The Docker engine at unix:///run/docker.sock stopped answering during the cleanup: the connection was refused (is the Docker engine running?); nothing more was started, and what was in flight will be recorded from what the engine holds when it answers again.',
    )
  })

  it('a bounded read names the request that got no answer', () => {
    const host = resolveHost({ explicit: 'unix:///run/docker.sock', env: {}, platform: 'linux' })
    expect(
      engineUnreachable(readTimeoutError('/v1.41/containers/json?all=1', 30_000), host).message,
    ).toBe(
      'Cannot reach the Docker engine at unix:///run/docker.sock: the engine accepted the connection but did not answer GET /containers/json within 30 s.',
    )
  })
})
