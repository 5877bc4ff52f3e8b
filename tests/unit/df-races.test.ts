/**
 * `/system/df` while something else works on the engine. Engine 20.10 refuses a second df while
 * one runs, and fails a df whose image walk races a delete; both pass, so the df is asked again
 * and a long-running `watch` does not call the engine offline. The messages are the engine's own
 * (a private Engine 20.10 here, df asked in a loop while `drydock clean --dangling` deleted
 * 24 MB images: 2 races in 15 rounds). The engine is a stub below (its `df` only): when a race
 * happens cannot be chosen against a real one.
 */
import type Docker from 'dockerode'
import { describe, expect, it } from 'vitest'
import { lostEngine } from '../../src/cli/commands/watch'
import { SharedDiskUsage, transientDfFailure } from '../../src/core/engine/disk-usage'
import { DrydockError } from '../../src/shared/errors'

/** An error as docker-modem makes it from the engine's answer. */
function engineError(statusCode: number, message: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) server error - ${message}`), {
    statusCode,
    json: { message },
  })
}

const RACED = engineError(
  500,
  'failed to retrieve image list: layer sha256:ef24d0027e8c0116e3ad5cfc36cf7cbd80c61a2078afb41784e55d98d1b0d602 was not found (corruption?)',
)
/** Another image's layer: the next delete's race. */
const RACED_AGAIN = engineError(
  500,
  'failed to retrieve image list: layer sha256:b576b2e3d4b29aaa80c5c62c2416303f636c3ef465a8be23935530364f2e42af was not found (corruption?)',
)
const BUSY = engineError(500, 'a disk usage operation is already running')

/** A stub engine whose df fails with `failures` in turn, then answers. */
function stubDocker(failures: Error[]): { docker: Docker; calls: () => number } {
  let calls = 0
  const docker = {
    df: async () => {
      const failure = failures[calls++]
      if (failure) throw failure
      return { LayersSize: 42, Images: [], Containers: [], Volumes: [], BuildCache: [] }
    },
  } as unknown as Docker
  return { docker, calls: () => calls }
}

describe('/system/df failures that pass', () => {
  it('tells a df racing a delete and a busy engine from real failures', () => {
    expect(transientDfFailure(RACED)).toBe('racing-delete')
    expect(
      transientDfFailure(engineError(500, 'failed to compute usage: snapshot abc does not exist')),
    ).toBe('racing-delete')
    expect(transientDfFailure(BUSY)).toBe('busy')
    expect(transientDfFailure(engineError(500, 'context canceled'))).toBeNull()
    // A data root gone for good is no race.
    expect(
      transientDfFailure(
        engineError(500, 'stat /var/lib/docker/overlay2: no such file or directory'),
      ),
    ).toBeNull()
    expect(transientDfFailure(engineError(404, 'page not found'))).toBeNull()
    expect(transientDfFailure(new Error('connect ENOENT /var/run/docker.sock'))).toBeNull()
  })

  it('asks again after races with deletes (stub engine) and returns the answer', async () => {
    const { docker, calls } = stubDocker([RACED, BUSY, RACED_AGAIN])
    const df = await new SharedDiskUsage(docker).read()
    expect(df.LayersSize).toBe(42)
    expect(calls()).toBe(4)
  })

  it('gives up when the same layer is missing twice: corruption, not a race (stub engine)', async () => {
    const { docker, calls } = stubDocker([RACED, RACED, RACED])
    await expect(new SharedDiskUsage(docker).read()).rejects.toThrow(/was not found/)
    expect(calls()).toBe(2)
  })

  it('fails at once on an error that does not pass (stub engine)', async () => {
    const { docker, calls } = stubDocker([engineError(500, 'context canceled')])
    await expect(new SharedDiskUsage(docker).read()).rejects.toThrow(/context canceled/)
    expect(calls()).toBe(1)
  })
})

describe('drydock watch: which failed checks mean the engine is offline', () => {
  it('only a lost connection, not an engine that answered with an error', () => {
    expect(lostEngine(new DrydockError('engine-unreachable', 'Cannot reach the engine.'))).toBe(
      true,
    )
    expect(lostEngine(new DrydockError('invalid-host', 'Not a host.'))).toBe(true)
    expect(lostEngine(new Error('socket hang up'))).toBe(true)
    expect(lostEngine(engineError(500, 'boom'))).toBe(false)
    expect(lostEngine(new DrydockError('engine-error', 'The engine failed: boom'))).toBe(false)
    expect(lostEngine(new DrydockError('log-unusable', 'The log is full.'))).toBe(false)
  })
})
