/**
 * A private Podman service for engine tests (scripts/podman-engine.sh in a state directory of
 * its own): Podman's Docker-compatible API on its own socket, over its own storage, so nothing of
 * the machine's (its Docker engines, /var/lib/containers) is touched. Also how the storage's real
 * shrink is measured.
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import Dockerode from 'dockerode'
import { dataRootBytes } from './private-engine'

const run = promisify(execFile)
const SCRIPT = join(__dirname, '../../scripts/podman-engine.sh')

export interface PodmanEngine {
  host: string
  docker: Dockerode
  /** Podman's graph root: images, layers, containers. */
  storageRoot: string
  /** Bytes of regular files in the storage, each inode once (running containers' mounts left
   * out): what deleting images gives back. */
  storageBytes(): Promise<number>
  /** Stops the service and its containers, and deletes its storage. */
  stop(): Promise<void>
}

export type PodmanProbe = { ok: true } | { ok: false; reason: string }

/** Whether a Podman service can run here: podman installed, and root (the script needs it). */
export async function probePodman(): Promise<PodmanProbe> {
  if (process.getuid?.() !== 0) {
    return { ok: false, reason: 'the private Podman service runs as root' }
  }
  try {
    await run('podman', ['--version'])
    return { ok: true }
  } catch (error) {
    return {
      ok: false,
      reason: `podman is not installed (apt-get install -y podman): ${(error as Error).message}`,
    }
  }
}

/**
 * Call at the top level of a Podman test file, then `describe.skipIf(podman.skip)`. Under
 * CI=true a machine that cannot run it fails with the reason: CI must never skip these tests.
 */
export async function requirePodman(): Promise<{ skip: boolean; reason: string | null }> {
  const probe = await probePodman()
  if (probe.ok) return { skip: false, reason: null }
  if (process.env.CI === 'true') {
    throw new Error(`${probe.reason} (CI=true: Podman engine tests may not be skipped)`)
  }
  console.warn(`skipping Podman engine tests: ${probe.reason}`)
  return { skip: true, reason: probe.reason }
}

/** Starts a fresh service (empty storage) in /tmp/drydock-<name>-podman. */
export async function startPodmanEngine(name: string): Promise<PodmanEngine> {
  const dir = `/tmp/drydock-${name}-podman`
  const env = { ...process.env, DRYDOCK_PODMAN_DIR: dir }
  // `stop` also deletes the storage: every run starts from nothing.
  await run('bash', [SCRIPT, 'stop'], { env }).catch(() => undefined)
  try {
    await run('bash', [SCRIPT, 'start'], { env })
  } catch (error) {
    const e = error as { stderr?: string; message: string }
    throw new Error(`the private Podman service did not start: ${e.stderr || e.message}`)
  }
  const socketPath = join(dir, 'podman.sock')
  const storageRoot = join(dir, 'root')
  return {
    host: `unix://${socketPath}`,
    docker: new Dockerode({ socketPath }),
    storageRoot,
    storageBytes: () => dataRootBytes(storageRoot),
    stop: async () => {
      await run('bash', [SCRIPT, 'stop'], { env })
    },
  }
}

/** Removes every container and image: the service is private to one test file. */
export async function emptyPodman(docker: Dockerode): Promise<void> {
  const containers = await docker.listContainers({ all: true })
  for (const container of containers) {
    await docker.getContainer(container.Id).remove({ force: true, v: true })
  }
  // Children first: by tag a name may be all that goes, so by ID, forced, until nothing is left.
  for (let pass = 0; pass < 5; pass += 1) {
    const images = await docker.listImages({ all: true })
    if (images.length === 0) return
    for (const image of images) {
      await docker
        .getImage(image.Id)
        .remove({ force: true })
        .catch(() => undefined)
    }
  }
  const left = await docker.listImages({ all: true })
  if (left.length > 0) throw new Error(`Podman still holds ${left.length} images after emptying`)
}
