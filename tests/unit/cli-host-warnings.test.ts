import { networkInterfaces } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/program'
import { recordingIo } from '../support/cli-io'
import { tempDir } from '../support/temp-dir'

/** One of this machine's own non-loopback addresses: plain tcp to it warns, and a closed port
 * there refuses at once, so no engine and no network are needed. */
const ownAddress = Object.values(networkInterfaces())
  .flat()
  .find((entry) => entry && !entry.internal && entry.family === 'IPv4')?.address

describe.skipIf(!ownAddress)('plain tcp:// to another machine warns', () => {
  const url = `tcp://${ownAddress}:1`
  const args = () => ['--host', url, '--db', join(tempDir(), 'log.sqlite')]

  it('drydock status shows the warning (stderr with the text output, a field with --json)', async () => {
    const text = recordingIo()
    expect(await runCli([...args(), 'status'], text)).toBe(3)
    expect(text.err()).toContain(`drydock: warning: ${url} is plain tcp without TLS`)

    const json = recordingIo()
    expect(await runCli([...args(), '--json', 'status'], json)).toBe(3)
    const status = JSON.parse(json.out()) as { warnings?: string[] }
    expect(status.warnings).toHaveLength(1)
    expect(status.warnings![0]).toMatch(/is plain tcp without TLS/)
  })

  it('other commands warn on stderr, leaving stdout to the output', async () => {
    const io = recordingIo()
    expect(await runCli([...args(), '--json', 'images'], io)).toBe(3)
    expect(io.err()).toMatch(/^drydock: warning: tcp:\/\/.* is plain tcp without TLS/)
    expect(io.out()).not.toMatch(/warning/)
  })

  it('loopback does not warn, and history (no engine) does not either', async () => {
    const loopback = recordingIo()
    await runCli(
      ['--host', 'tcp://127.0.0.1:1', '--db', join(tempDir(), 'l.sqlite'), 'status'],
      loopback,
    )
    expect(loopback.err()).not.toMatch(/warning/)

    const history = recordingIo()
    expect(await runCli([...args(), 'history'], history)).toBe(0)
    expect(history.err()).toBe('')
  })
})
