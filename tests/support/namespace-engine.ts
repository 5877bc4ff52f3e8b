// A private engine whose data root this process cannot see, as with an engine in a VM: dockerd
// and its containerd run in a mount namespace of their own (`unshare -m`), where a small ext4
// filesystem (a loop-mounted image file) is mounted at the data root. Only the engine's socket is
// reachable from here. The data root's path also exists here, as an empty directory on this
// machine's own filesystem, so a naive statfs of it would read the wrong disk. Needs root.
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type Dockerode from 'dockerode'
import { dockerFor } from './test-engine'

const run = promisify(execFile)
const SCRIPT = join(__dirname, '../../scripts/test-engine.sh')

export interface NamespaceEngine {
  host: string
  docker: Dockerode
  /** The data root: on the loop filesystem inside the namespace; an empty directory here. */
  dataRoot: string
  /** dockerd's pid: `nsenter -t <pid> -m` enters its mount namespace. */
  pid: number
  /** `df -B1` of the data root, run inside the engine's mount namespace. */
  df(): Promise<{ totalBytes: number; freeBytes: number }>
  /** Runs a command inside the engine's mount namespace. */
  inside(command: string, args: string[]): Promise<string>
  /** Stops the engine (its namespace and mount go with it) and deletes everything. */
  remove(): Promise<void>
}

function messageOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'stderr' in error) {
    const stderr = String((error as { stderr: unknown }).stderr).trim()
    if (stderr) return stderr
  }
  return error instanceof Error ? error.message : String(error)
}

/** Whether this machine can run such an engine, or why not. */
export async function canRunNamespaceEngine(): Promise<
  { ok: true } | { ok: false; reason: string }
> {
  if (process.getuid?.() !== 0) return { ok: false, reason: 'needs root (mount, unshare, dockerd)' }
  for (const tool of ['unshare', 'nsenter', 'mkfs.ext4', 'dockerd', 'df', 'fallocate']) {
    try {
      await run('sh', ['-c', `command -v ${tool}`])
    } catch {
      return { ok: false, reason: `${tool} is missing` }
    }
  }
  try {
    // A loop mount in a private mount namespace, for real, on a 4 MB image.
    const base = mkdtempSync(join(tmpdir(), 'dd-nsprobe-'))
    try {
      await run('truncate', ['-s', '4M', join(base, 'fs.img')])
      await run('mkfs.ext4', ['-q', '-F', join(base, 'fs.img')])
      mkdirSync(join(base, 'fs'))
      await run('unshare', [
        '-m',
        '--propagation',
        'private',
        'sh',
        '-c',
        'mount -o loop "$0" "$1" && umount "$1"',
        join(base, 'fs.img'),
        join(base, 'fs'),
      ])
    } finally {
      rmSync(base, { recursive: true, force: true })
    }
    return { ok: true }
  } catch (error) {
    return { ok: false, reason: messageOf(error) }
  }
}

/** Starts the engine on a fresh `sizeMb` filesystem mounted only in its own mount namespace. */
export async function startNamespaceEngine(sizeMb: number): Promise<NamespaceEngine> {
  const base = mkdtempSync(join(tmpdir(), 'dd-vmdisk-'))
  const image = join(base, 'fs.img')
  const mountPoint = join(base, 'fs')
  const engineDir = join(base, 'engine')
  const dataRoot = join(mountPoint, 'docker')
  // Here the data root's path is a plain directory on this machine's filesystem.
  mkdirSync(dataRoot, { recursive: true })
  const env = {
    ...process.env,
    DRYDOCK_TEST_ENGINE_DIR: engineDir,
    DRYDOCK_TEST_ENGINE_DATA_ROOT: dataRoot,
  }
  const remove = async (): Promise<void> => {
    try {
      // Stops dockerd and containerd by their pids; the namespace, its mount and the loop
      // device go away with its last process.
      await run('bash', [SCRIPT, 'stop'], { env })
    } finally {
      rmSync(base, { recursive: true, force: true })
    }
  }
  try {
    await run('truncate', ['-s', `${sizeMb}M`, image])
    await run('mkfs.ext4', ['-q', '-F', '-m', '0', image])
    await run(
      'unshare',
      [
        '-m',
        '--propagation',
        'private',
        'bash',
        '-c',
        'mount -o loop "$0" "$1" && exec bash "$2" start',
        image,
        mountPoint,
        SCRIPT,
      ],
      { env },
    )
  } catch (error) {
    await remove().catch(() => undefined)
    throw new Error(`the namespaced engine did not start: ${messageOf(error)}`, { cause: error })
  }
  const pid = Number(readFileSync(join(engineDir, 'dockerd.pid'), 'utf8').trim())
  const host = `unix://${join(engineDir, 'docker.sock')}`
  const inside = async (command: string, args: string[]) =>
    (await run('nsenter', ['-t', String(pid), '-m', command, ...args])).stdout
  return {
    host,
    docker: dockerFor(host),
    dataRoot,
    pid,
    inside,
    df: async () => {
      const out = await inside('df', ['-B1', '--output=size,avail', dataRoot])
      const [size, avail] = out.trim().split('\n').at(-1)!.trim().split(/\s+/).map(Number)
      return { totalBytes: size!, freeBytes: avail! }
    },
    remove,
  }
}
