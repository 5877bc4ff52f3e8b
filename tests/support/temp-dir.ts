/** Fresh directories under the system temp dir, removed when the test or the suite is done. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, onTestFinished } from 'vitest'

/** For one test: removed when the current test finishes. */
export function tempDir(prefix = 'drydock-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/**
 * For a whole suite (call it in a describe body or at a file's top level): removed after the
 * suite's own afterAll hooks, which run in reverse order, so a log closed there is closed first.
 */
export function suiteTempDir(prefix = 'drydock-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}
