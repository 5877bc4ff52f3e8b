import { chmodSync, chownSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { engineUnreachable } from '../../src/core/engine/errors'
import { resolveHost } from '../../src/core/engine/host'

const errno = (code: string, message = code) => Object.assign(new Error(message), { code })

describe('engine errors name the host and the cause in one sentence', () => {
  const socket = join(mkdtempSync(join(tmpdir(), 'drydock-sock-')), 'docker.sock')
  writeFileSync(socket, '')
  // gid 0 is "root" in every /etc/group; the message must name the group that grants access.
  chownSync(socket, 0, 0)
  chmodSync(socket, 0o660)
  const host = resolveHost({ explicit: `unix://${socket}`, env: {}, platform: 'linux' })

  it.each([
    ['ENOENT', /the socket does not exist \(is the Docker engine running\?\)\.$/],
    ['ECONNREFUSED', /the connection was refused/],
    [
      'EACCES',
      /permission denied on the socket; members of the group "root" may use it \(sudo usermod -aG root \$USER/,
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
