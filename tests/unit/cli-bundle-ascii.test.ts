/**
 * The main bundle (the CLI and the Electron main process) is ASCII: one character beyond it makes
 * V8 hold the whole file as a two-byte string, twice the memory and ~900 more page faults per
 * command (electron.vite.config.ts, output.charset). Checks the build `npm run build` made.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const OUT = join(__dirname, '../../out/main')

describe('the built main bundle', () => {
  it('is ASCII in every file, with the non-ASCII text of its strings escaped', () => {
    if (!existsSync(join(OUT, 'cli.js'))) {
      throw new Error('the CLI is not built: run `npm run build` before the tests')
    }
    const files = readdirSync(OUT, { recursive: true, encoding: 'utf8' }).filter((name) =>
      name.endsWith('.js'),
    )
    expect(files.length).toBeGreaterThan(2)
    const offending = files.filter((name) =>
      /\P{ASCII}/u.test(readFileSync(join(OUT, name), 'utf8')),
    )
    expect(offending).toEqual([])
  })
})
