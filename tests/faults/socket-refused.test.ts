/**
 * The socket refuses access: the CLI run as an unprivileged user (nobody, via setpriv) against
 * sockets of this file's own, as a user not in the `docker` group meets them:
 * - root:docker 0660 (what dockerd makes when a docker group exists): join the group;
 * - root:root 0600 (no docker group): only root may use it, so sudo or another engine.
 * Each exits 3 with one sentence that says how to fix it. Needs root (CI runs as root). When
 * nobody cannot read the checkout, the CLI runs as root without capabilities or groups against
 * sockets nobody owns: the same refusal from the other side.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { drydockBin, FaultTable, oneSentence, runCli } from './support'

const table = new FaultTable('the socket refuses access')
const NOBODY = 65534

function groupId(name: string): number | null {
  const line = readFileSync('/etc/group', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${name}:`))
  return line ? Number(line.split(':')[2]) : null
}

function nameOf(uid: number): string {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.split(':')[2] === String(uid))
  return line?.split(':')[0] ?? `uid ${uid}`
}

/** Whether the built CLI starts under this wrapper (it must read the checkout). */
function starts(wrapper: string[]): boolean {
  try {
    execFileSync(wrapper[0]!, [...wrapper.slice(1), process.execPath, drydockBin, '--version'], {
      stdio: 'ignore',
    })
    return true
  } catch {
    return false
  }
}

interface Identity {
  wrapper: string[]
  /** Who owns the sockets: someone the CLI is not. */
  owner: { uid: number; gid: number; name: string }
}

function identity(): Identity | null {
  // As users meet it: the CLI as nobody (not in the docker group), the sockets root's.
  const asNobody = ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups']
  if (starts(asNobody)) return { wrapper: asNobody, owner: { uid: 0, gid: 0, name: 'root' } }
  // A checkout nobody cannot read (a clone under /root): root without its capabilities and
  // groups meets sockets nobody owns as an unprivileged user meets root's.
  const capless = ['setpriv', '--clear-groups', '--inh-caps=-all', '--bounding-set=-all']
  if (starts(capless)) {
    return { wrapper: capless, owner: { uid: NOBODY, gid: NOBODY, name: nameOf(NOBODY) } }
  }
  return null
}

const isRoot = process.getuid?.() === 0
const as = isRoot ? identity() : null
const reason = !isRoot
  ? 'needs root (to make sockets of another owner and run the CLI without rights to them)'
  : as === null
    ? 'setpriv cannot run the CLI as nobody or without capabilities here'
    : null
if (reason && process.env.CI === 'true') throw new Error(`${reason} (CI=true: may not skip)`)
if (reason) console.warn(`skipping the socket permission faults: ${reason}`)

describe.skipIf(reason !== null)('the socket refuses access', () => {
  let dir: string
  const servers: Server[] = []

  async function socketAt(name: string, uid: number, gid: number, mode: number) {
    const path = join(dir, name)
    const server = createServer((socket) => socket.destroy())
    servers.push(server)
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(path, () => resolve())
    })
    chownSync(path, uid, gid)
    chmodSync(path, mode)
    return path
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'drydock-faults-perm-'))
    // nobody may reach the sockets' directory and write its log there; the sockets decide.
    chmodSync(dir, 0o777)
  })

  afterAll(async () => {
    table.print()
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))))
    rmSync(dir, { recursive: true, force: true })
  })

  const owner = as?.owner ?? { uid: 0, gid: 0, name: 'root' }
  const cases = [
    {
      name: `${owner.name}:docker 0660, a user not in the docker group`,
      group: 'docker',
      mode: 0o660,
      advice:
        /permission denied on the socket; members of the group "docker" may use it \(sudo usermod -aG docker \$USER, then log in again\), or run the command with sudo\.$/,
    },
    {
      name: `${owner.name} only (0600), no docker group`,
      group: null,
      mode: 0o600,
      advice: new RegExp(
        `permission denied on the socket, which only ${owner.name} may use; run the command with sudo, or point --host or DOCKER_HOST at an engine you may use \\(such as a rootless one\\)\\.$`,
      ),
    },
  ]

  it.each(cases)('$name: a sentence that says how to fix it', async (socketCase) => {
    const gid = socketCase.group === null ? owner.gid : groupId(socketCase.group)
    if (gid === null) {
      // dockerd makes its socket root:root when there is no docker group: that is case 2.
      table.check(socketCase.name, true, `no ${socketCase.group} group here: not applicable`)
      return
    }
    const label = socketCase.group ?? 'owner'
    const socket = await socketAt(`${label}.sock`, owner.uid, gid, socketCase.mode)
    const results = await Promise.all(
      [['status'], ['plan', '--dangling']].map(async (args) => {
        const run = await runCli(
          ['--host', `unix://${socket}`, '--db', join(dir, `${label}.sqlite`), ...args],
          { wrapper: as!.wrapper, env: { HOME: dir }, killAfterMs: 30_000 },
        )
        const sentence = oneSentence(run.stderr)
        const held = run.code === 3 && sentence !== null && socketCase.advice.test(sentence)
        table.check(
          `${socketCase.name}: drydock ${args.join(' ')}`,
          held,
          `exit ${run.code}: ${JSON.stringify(sentence ?? run.stderr)}`,
          run.ms,
        )
        return { run, sentence }
      }),
    )
    for (const { run, sentence } of results) {
      expect(run.code, run.stderr).toBe(3)
      expect(sentence, run.stderr).toMatch(socketCase.advice)
    }
  })
})
