// A second private engine whose data root is on a small ext4 filesystem of its own (an image
// file mounted with `mount -o loop`), so a test can really run the disk low. Needs root.
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { statfs } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type Dockerode from 'dockerode'
import { dockerFor } from './test-engine'

const run = promisify(execFile)
const SCRIPT = join(__dirname, '../../scripts/test-engine.sh')

export interface LoopFilesystem {
  /** Holds the image file, the mount point and the engine's state directory. */
  base: string
  mountPoint: string
  /** Unmounts the filesystem and deletes everything under `base`; safe to call twice. */
  remove(): Promise<void>
}

export interface LoopEngine {
  host: string
  docker: Dockerode
  /** The engine's data root: on the loop filesystem. */
  dataRoot: string
  /** Free bytes of the loop filesystem, as Drydock reads them (statfs bavail). */
  freeBytes(): Promise<number>
  totalBytes(): Promise<number>
  /** Stops the engine, unmounts, deletes; safe to call twice and after a failed start. */
  remove(): Promise<void>
}

function messageOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'stderr' in error) {
    const stderr = String((error as { stderr: unknown }).stderr).trim()
    if (stderr) return stderr
  }
  return error instanceof Error ? error.message : String(error)
}

/** Creates an ext4 image of `sizeMb` MB and mounts it; no blocks reserved for root. */
export async function mountLoopFilesystem(sizeMb: number): Promise<LoopFilesystem> {
  if (process.getuid?.() !== 0) throw new Error('mount -o loop needs root')
  const base = mkdtempSync(join(tmpdir(), 'dd-lowdisk-'))
  const image = join(base, 'fs.img')
  const mountPoint = join(base, 'fs')
  mkdirSync(mountPoint)
  let mounted = false
  const remove = async (): Promise<void> => {
    if (mounted) {
      // A lazy unmount cannot fail on a busy mount; the loop device detaches once it is free.
      await run('umount', [mountPoint]).catch(() => run('umount', ['-l', mountPoint]))
      mounted = false
    }
    rmSync(base, { recursive: true, force: true })
  }
  try {
    await run('truncate', ['-s', `${sizeMb}M`, image])
    // -m 0: free and available space are the same, so the figures in the test are plain.
    await run('mkfs.ext4', ['-q', '-F', '-m', '0', image])
    await run('mount', ['-o', 'loop', image, mountPoint])
    mounted = true
    return { base, mountPoint, remove }
  } catch (error) {
    await remove()
    throw new Error(`cannot mount a loop filesystem: ${messageOf(error)}`, { cause: error })
  }
}

/** Whether this machine can loop-mount, or why not (tried for real on a 4 MB image). */
export async function probeLoopMount(): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    const fs = await mountLoopFilesystem(4)
    await fs.remove()
    return { ok: true }
  } catch (error) {
    return { ok: false, reason: messageOf(error) }
  }
}

/** A private engine (scripts/test-engine.sh) with its data root on a fresh `sizeMb` filesystem. */
export async function startLoopEngine(sizeMb: number): Promise<LoopEngine> {
  const fs = await mountLoopFilesystem(sizeMb)
  const engineDir = join(fs.base, 'engine')
  const dataRoot = join(fs.mountPoint, 'docker')
  const env = {
    ...process.env,
    DRYDOCK_TEST_ENGINE_DIR: engineDir,
    DRYDOCK_TEST_ENGINE_DATA_ROOT: dataRoot,
  }
  const remove = async (): Promise<void> => {
    try {
      await run('bash', [SCRIPT, 'stop'], { env })
    } finally {
      await fs.remove()
    }
  }
  try {
    await run('bash', [SCRIPT, 'start'], { env })
  } catch (error) {
    await remove()
    throw new Error(`the loop-mounted engine did not start: ${messageOf(error)}`, { cause: error })
  }
  const host = `unix://${join(engineDir, 'docker.sock')}`
  const space = async () => statfs(fs.mountPoint)
  return {
    host,
    docker: dockerFor(host),
    dataRoot,
    freeBytes: async () => {
      const stats = await space()
      return stats.bavail * stats.bsize
    },
    totalBytes: async () => {
      const stats = await space()
      return stats.blocks * stats.bsize
    },
    remove,
  }
}
