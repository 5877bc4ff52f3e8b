import { describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/program'
import { recordingIo } from '../support/cli-io'

// No engine is needed: every case here fails before or without reaching one. The environment is
// emptied so DOCKER_HOST or a docker context on this machine cannot change the outcome.
describe('drydock CLI usage', () => {
  it('prints help and exits 0 for --help', async () => {
    const io = recordingIo()
    await expect(runCli(['--help'], io)).resolves.toBe(0)
    expect(io.out()).toMatch(/Usage: drydock/)
    expect(io.out()).toMatch(/status/)
    expect(io.out()).toMatch(/serve/)
  })

  it('prints the version and exits 0 for --version', async () => {
    const io = recordingIo()
    await expect(runCli(['--version'], io)).resolves.toBe(0)
    expect(io.out().trim()).toMatch(/^\d+\.\d+\.\d+$/)
  })

  it.each([
    [[], /Usage: drydock/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['status', '--bogus'], /unknown option '--bogus'/],
    [['--host'], /argument missing/],
    [['serve', '--port', 'eighty'], /expected a port number/],
    [['serve', '--port', '70000'], /expected a port number/],
  ])('exits 2 with a clear message for %j', async (argv, message) => {
    const io = recordingIo()
    await expect(runCli(argv, io)).resolves.toBe(2)
    expect(io.out() + io.err()).toMatch(message)
  })

  it.each([
    ['docker.sock', /expected scheme:\/\/address/],
    ['unix://relative.sock', /must be absolute/],
    ['ftp://host', /scheme "ftp" is not supported/],
    ['tcp://', /not a valid host|host name is missing/],
    ['tcp://host:99999', /not a valid host/],
  ])('exits 2 for the malformed host %s, naming it', async (host, message) => {
    const io = recordingIo()
    await expect(runCli(['--host', host, 'status'], io)).resolves.toBe(2)
    expect(io.err()).toContain(`"${host}"`)
    expect(io.err()).toMatch(message)
  })

  it('exits 3 naming the host when nothing listens there', async () => {
    const io = recordingIo()
    await expect(
      runCli(['--host', 'unix:///nonexistent/drydock.sock', 'status'], io),
    ).resolves.toBe(3)
    expect(io.err()).toBe(
      'drydock: Cannot reach the Docker engine at unix:///nonexistent/drydock.sock: the socket does not exist (is the Docker engine running?).\n',
    )
  })

  it('reports an unreachable engine as JSON on stdout with --json, still exiting 3', async () => {
    const io = recordingIo()
    const code = await runCli(['--json', '--host', 'tcp://127.0.0.1:1', 'status'], io)
    expect(code).toBe(3)
    expect(JSON.parse(io.out())).toEqual({
      engine: {
        reachable: false,
        host: 'tcp://127.0.0.1:1',
        reason: expect.stringContaining('connection was refused'),
      },
    })
  })
})
