/**
 * bin/compile-cache.js: a module under the root is compiled through vm.Script with V8's cached
 * data of the previous run, and behaves exactly as Node's own loading would.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../support/temp-dir'

const installer = join(__dirname, '../../bin/compile-cache.js')

describe('the CLI code cache', () => {
  it('writes the cache on the first run, uses it on the next, and runs the same', () => {
    const root = join(tempDir(), 'out')
    const tmp = tempDir()
    mkdirSync(join(root, 'chunks'), { recursive: true })
    writeFileSync(join(root, 'chunks', 'dep.js'), 'exports.twice = (n) => n * 2\n')
    writeFileSync(
      join(root, 'main.js'),
      "const { twice } = require('./chunks/dep.js')\nexports.answer = twice(21) + ':' + __filename.endsWith('main.js') + ':' + (module.exports === exports)\n",
    )
    const script = `require(${JSON.stringify(installer)}).install(${JSON.stringify(root)}); console.log(require(${JSON.stringify(join(root, 'main.js'))}).answer)`
    const run = () =>
      execFileSync(process.execPath, ['-e', script], {
        env: { ...process.env, XDG_CACHE_HOME: tmp },
      })
        .toString()
        .trim()
    expect(run()).toBe('42:true:true')
    const cacheDir = join(tmp, 'drydock', 'v8', process.version)
    expect(readdirSync(cacheDir)).toHaveLength(2)
    expect(run()).toBe('42:true:true')
  })

  it('uses no directory another user could write to', () => {
    const root = join(tempDir(), 'out')
    const tmp = tempDir()
    mkdirSync(root, { recursive: true })
    writeFileSync(join(root, 'main.js'), 'exports.answer = 7\n')
    const shared = join(tmp, 'drydock', 'v8', process.version)
    mkdirSync(shared, { recursive: true })
    chmodSync(shared, 0o777)
    const script = `require(${JSON.stringify(installer)}).install(${JSON.stringify(root)}); console.log(require(${JSON.stringify(join(root, 'main.js'))}).answer)`
    const out = execFileSync(process.execPath, ['-e', script], {
      env: { ...process.env, XDG_CACHE_HOME: tmp },
    })
    expect(out.toString().trim()).toBe('7')
    expect(readdirSync(shared)).toEqual([])
  })
})
