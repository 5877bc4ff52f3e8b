/**
 * A private engine of a test file's own (scripts/test-engine.sh in its own state directory): for
 * tests that clean whole kinds (every unused image, all build cache), which must not reach what
 * other suites keep on the shared test engine. Also how the data root's real shrink is measured.
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type Dockerode from 'dockerode'
import { regularFileBytes } from './engine-state'
import { dockerFor } from './test-engine'

const run = promisify(execFile)
const SCRIPT = join(__dirname, '../../scripts/test-engine.sh')

export interface PrivateEngine {
  host: string
  docker: Dockerode
  dataRoot: string
  /** Stops and starts the engine, keeping its data (a daemon restart). */
  restart(): Promise<void>
  stop(): Promise<void>
}

export async function startPrivateEngine(name: string): Promise<PrivateEngine> {
  const dir = `/tmp/drydock-${name}-engine`
  const env = { ...process.env, DRYDOCK_TEST_ENGINE_DIR: dir }
  // A state directory of its own: a fresh data root each run (the script keeps none between).
  await run('bash', [SCRIPT, 'stop'], { env }).catch(() => undefined)
  await run('rm', ['-rf', dir])
  await run('bash', [SCRIPT, 'start'], { env })
  const host = `unix://${dir}/docker.sock`
  return {
    host,
    docker: dockerFor(host),
    dataRoot: join(dir, 'data'),
    restart: async () => {
      await run('bash', [SCRIPT, 'stop'], { env })
      await run('bash', [SCRIPT, 'start'], { env })
    },
    stop: async () => {
      await run('bash', [SCRIPT, 'stop'], { env })
      await run('rm', ['-rf', dir]).catch(() => undefined)
    },
  }
}

/**
 * Bytes of every regular file under the data root, each inode once (BuildKit's layers hard-link
 * files): what the engine's own sizes count. The engine's bolt databases (`*.db`: containerd's,
 * BuildKit's, volumes', networks') are left out: they never shrink and grow by doubling (one run
 * of whole-disk.test.ts saw 128 kB → 256 kB, exactly the 131,072 bytes its shrink came up
 * short), whatever a cleanup removed.
 */
export function dataRootBytes(dataRoot: string): Promise<number> {
  return regularFileBytes([dataRoot], (name) => name.endsWith('.db'))
}
