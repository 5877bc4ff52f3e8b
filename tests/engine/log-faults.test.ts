/**
 * No cleanup without a working log: with the log's disk full, or its filesystem read-only,
 * `drydock clean` exits 4 with one sentence naming the log, and the engine is untouched.
 * Real filesystems (a small loop-mounted ext4; needs root, as CI is), a real engine.
 */
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/program'
import { openDatabase } from '../../src/core/store'
import { recordingIo } from '../support/cli-io'
import { busyboxLayer, loadImages, type LoadedImage } from '../support/image-archive'
import { mountLoopFilesystem, probeLoopMount, type LoopFilesystem } from '../support/loop-engine'
import { cleanupTestObjects, createTestRun, requireTestEngine } from '../support/test-engine'
import { tempDir } from '../support/temp-dir'

const run = promisify(execFile)
const engine = await requireTestEngine()
const loop = await probeLoopMount()
if (!loop.ok && process.env.CI === 'true') {
  throw new Error(`the log fault tests need a loop mount: ${loop.reason} (CI=true: may not skip)`)
}
const testRun = createTestRun('log-faults')

/** Writes until the filesystem has no block left. */
function fill(path: string): void {
  const fd = openSync(path, 'w')
  const chunk = Buffer.alloc(64 * 1024, 1)
  try {
    for (;;) writeSync(fd, chunk)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error
  } finally {
    closeSync(fd)
  }
}

describe.skipIf(engine.skip || !loop.ok)('the log on a full or read-only filesystem', () => {
  let fs: LoopFilesystem
  let dangling: LoadedImage

  beforeAll(async () => {
    fs = await mountLoopFilesystem(8)
    ;[dangling] = (await loadImages(
      engine.docker,
      [
        {
          tags: [],
          created: '2021-01-01T00:00:00Z',
          layers: [busyboxLayer(), { files: { 'faults.txt': 'f'.repeat(4000) } }],
        },
      ],
      testRun,
    )) as [LoadedImage]
  })

  afterAll(async () => {
    await fs?.remove()
    await cleanupTestObjects(engine.docker, testRun)
  })

  async function cleanWith(db: string): Promise<{ code: number; err: string }> {
    const io = recordingIo()
    const code = await runCli(
      ['--host', engine.host, '--db', db, 'clean', '--dangling', '--yes'],
      io,
    )
    return { code, err: io.err() }
  }

  async function stillThere(): Promise<boolean> {
    return engine.docker
      .getImage(dangling.id)
      .inspect()
      .then(() => true)
      .catch(() => false)
  }

  it('disk full: exit 4, the reason named, nothing removed', async () => {
    const db = join(fs.mountPoint, 'full.sqlite')
    openDatabase(db).close()
    fill(join(fs.mountPoint, 'filler'))
    const { code, err } = await cleanWith(db)
    expect(code).toBe(4)
    expect(err).toMatch(/^drydock: .*log.*full\.sqlite/i)
    expect(err.trim().split('\n')).toHaveLength(1)
    expect(await stillThere()).toBe(true)
  })

  it('read-only filesystem: exit 4, the reason named, nothing removed', async () => {
    const db = join(fs.mountPoint, 'full.sqlite')
    await run('mount', ['-o', 'remount,ro', fs.mountPoint])
    try {
      const { code, err } = await cleanWith(db)
      expect(code).toBe(4)
      expect(err).toMatch(/^drydock: .*log.*full\.sqlite/i)
      expect(await stillThere()).toBe(true)
    } finally {
      await run('mount', ['-o', 'remount,rw', fs.mountPoint])
    }
  })
})

describe.skipIf(engine.skip)('a log replaced because it was corrupt', () => {
  const replacedRun = createTestRun('log-replaced')
  afterAll(async () => {
    await cleanupTestObjects(engine.docker, replacedRun)
  })

  it('blocks policy cleanups until the loss of its Settings was acknowledged', async () => {
    const [image] = await loadImages(
      engine.docker,
      [
        {
          tags: [],
          created: '2021-01-01T00:00:00Z',
          layers: [busyboxLayer(), { files: { '/r': 'r' } }],
        },
      ],
      replacedRun,
    )
    const db = join(tempDir('drydock-replaced-'), 'log.sqlite')
    writeFileSync(db, 'not a database at all')
    const clean = async (...extra: string[]) => {
      const io = recordingIo()
      const code = await runCli(
        ['--host', engine.host, '--db', db, 'clean', '--dangling', '--yes', ...extra],
        io,
      )
      return { code, err: io.err() }
    }
    const blocked = await clean()
    expect(blocked.code).toBe(4)
    expect(blocked.err).toMatch(/log was replaced.*Settings that protect images were lost/)
    expect(await engine.docker.getImage(image!.id).inspect()).toMatchObject({ Id: image!.id })
    // Another process sharing the new log is blocked too: the mark is in the log.
    expect((await clean()).code).toBe(4)
    const accepted = await clean('--accept-new-log')
    expect(accepted.code).toBe(0)
    await expect(engine.docker.getImage(image!.id).inspect()).rejects.toMatchObject({
      statusCode: 404,
    })
  })
})
