/** Fresh directories under the system temp dir, removed when the test or the suite is done. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, onTestFinished } from 'vitest'

/** For one test: removed when the current test finishes. */
export function tempDir(prefix = 'drydock-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/**
 * For a whole suite whose describe body itself needs the directory: made at once, removed after
 * the suite's own afterAll hooks (they run in reverse order, so a log closed there is closed
 * first). A skipped suite runs its body but no hooks: use suiteTempDirOnStart where it may skip.
 */
export function suiteTempDir(prefix = 'drydock-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/**
 * For a whole suite that needs the directory only in its hooks and tests: made when the suite
 * starts (before its own beforeAll hooks, registered after this), removed when it ends, and never
 * made for a suite that is skipped. Returns a getter.
 */
export function suiteTempDirOnStart(prefix = 'drydock-test-'): () => string {
  let dir: string | undefined
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix))
  })
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true })
  })
  return () => {
    if (dir === undefined) throw new Error(`${prefix}: read before the suite started`)
    return dir
  }
}
