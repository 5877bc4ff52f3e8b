/**
 * bin/drydock.js changes V8's flags for short commands, and V8 accepts the code Node ships
 * compiled for its own modules only under the flags it was made with: a module Node loads after
 * the change compiles afresh (~35 ms more per command here). The launcher loads the ones the CLI
 * uses first. Checks the build `npm run build` made, as the README runs it.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../support/temp-dir'

const LAUNCHER = join(__dirname, '../../bin/drydock.js')

/** The public Node modules loaded after the launcher changed V8's flags (null: it never did). */
function builtinsAfterFlags(args: string[]): { after: string[] | null; status: number | null } {
  if (!existsSync(join(__dirname, '../../out/main/cli.js'))) {
    throw new Error('the CLI is not built: run `npm run build` before the tests')
  }
  const dir = tempDir()
  const preload = join(dir, 'watch-flags.cjs')
  const report = join(dir, 'after.json')
  writeFileSync(
    preload,
    `const v8 = require('node:v8')
const set = v8.setFlagsFromString
let from = null
v8.setFlagsFromString = function (flags) { from ??= process.moduleLoadList.length; return set.call(this, flags) }
process.once('exit', () => {
  const after = from === null ? null : process.moduleLoadList.slice(from)
    .filter((entry) => entry.startsWith('NativeModule ') && !entry.startsWith('NativeModule internal/'))
    .map((entry) => entry.slice('NativeModule '.length))
  require('node:fs').writeFileSync(${JSON.stringify(report)}, JSON.stringify(after))
})
`,
  )
  const run = spawnSync(process.execPath, ['-r', preload, LAUNCHER, ...args], {
    env: { ...process.env, XDG_CACHE_HOME: dir },
    encoding: 'utf8',
    timeout: 30_000,
  })
  const after = JSON.parse(readFileSync(report, 'utf8')) as string[] | null
  return { after, status: run.status }
}

describe('the launcher, before it changes V8 flags', () => {
  it('has loaded every Node module a plan uses (BuildKit channel included)', () => {
    // An engine that is not there: the plan fails at once, after loading all it would use.
    const dir = tempDir()
    const { after, status } = builtinsAfterFlags([
      'plan',
      '--system',
      '--json',
      '--host',
      `unix://${join(dir, 'none.sock')}`,
      '--db',
      join(dir, 'log.sqlite'),
    ])
    expect(status).not.toBe(0)
    expect(after).toEqual([])
  })

  it('has loaded every Node module a command without the engine uses', () => {
    const dir = tempDir()
    const { after, status } = builtinsAfterFlags(['history', '--db', join(dir, 'log.sqlite')])
    expect(status).toBe(0)
    expect(after).toEqual([])
  })

  it('changes no flag for a long-lived command', () => {
    const { after } = builtinsAfterFlags(['serve', '--help'])
    expect(after).toBeNull()
  })
})
