/**
 * bin/compile-cache.js: a module under the root is compiled through vm.Script with V8's cached
 * data of the previous run, and behaves exactly as Node's own loading would.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, readdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../support/temp-dir'

const installer = join(__dirname, '../../bin/compile-cache.js')

/** A fresh Node that installs the cache over `roots`, requires `main` and prints `print` of it. */
function runCached(
  roots: string | string[],
  main: string,
  cacheHome: string,
  print = 'console.log(m.answer)',
): string {
  const script = `require(${JSON.stringify(installer)}).install(${JSON.stringify(roots)}); const m = require(${JSON.stringify(main)}); ${print}`
  return execFileSync(process.execPath, ['-e', script], {
    env: { ...process.env, XDG_CACHE_HOME: cacheHome },
  })
    .toString()
    .trim()
}

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
    const run = () => runCached(root, join(root, 'main.js'), tmp)
    expect(run()).toBe('42:true:true')
    const cacheDir = join(tmp, 'drydock', 'v8', process.version)
    expect(readdirSync(cacheDir)).toHaveLength(2)
    expect(run()).toBe('42:true:true')
  })

  it('caches modules under every root given, and only those', () => {
    const out = join(tempDir(), 'out')
    const deps = join(tempDir(), 'node_modules', 'dep')
    const elsewhere = tempDir()
    const tmp = tempDir()
    mkdirSync(out, { recursive: true })
    mkdirSync(deps, { recursive: true })
    writeFileSync(join(deps, 'index.js'), 'exports.n = 40\n')
    writeFileSync(join(elsewhere, 'other.js'), 'exports.n = 1\n')
    writeFileSync(
      join(out, 'main.js'),
      `exports.answer = require(${JSON.stringify(deps)}).n + require(${JSON.stringify(join(elsewhere, 'other.js'))}).n + 1\n`,
    )
    const run = () => runCached([out, join(deps, '..')], join(out, 'main.js'), tmp)
    expect(run()).toBe('42')
    const cached = readdirSync(join(tmp, 'drydock', 'v8', process.version))
    expect(cached).toHaveLength(2)
    expect(cached.some((name) => name.includes('other.js'))).toBe(false)
    expect(run()).toBe('42')
  })

  it("keeps each command's cache apart: the first command does not decide for the others", () => {
    const root = join(tempDir(), 'out')
    const tmp = tempDir()
    mkdirSync(root, { recursive: true })
    writeFileSync(join(root, 'main.js'), 'exports.answer = 5\n')
    const install = (command: string) =>
      execFileSync(
        process.execPath,
        [
          '-e',
          `require(${JSON.stringify(installer)}).install(${JSON.stringify(root)}, '--max-opt=2', ${JSON.stringify(command)}); console.log(require(${JSON.stringify(join(root, 'main.js'))}).answer)`,
        ],
        { env: { ...process.env, XDG_CACHE_HOME: tmp } },
      )
        .toString()
        .trim()
    expect(install('--version')).toBe('5')
    expect(install('plan')).toBe('5')
    expect(install('plan')).toBe('5')
    expect(install('../x/' + 'y'.repeat(300))).toBe('5')
    const cached = readdirSync(join(tmp, 'drydock', 'v8', process.version))
    expect(cached).toHaveLength(3)
    expect(cached.some((name) => name.includes('-version-'))).toBe(true)
    expect(cached.some((name) => name.includes('-plan-'))).toBe(true)
    expect(cached.every((name) => name.length < 200 && !name.includes('/'))).toBe(true)
  })

  it('caches the modules of a root reached through a link (Node names them by their real path)', () => {
    const out = join(tempDir(), 'out')
    const real = join(tempDir(), 'node_modules')
    const copy = tempDir()
    const tmp = tempDir()
    mkdirSync(out, { recursive: true })
    mkdirSync(join(real, 'dep'), { recursive: true })
    writeFileSync(join(real, 'dep', 'index.js'), 'exports.n = 41\n')
    symlinkSync(real, join(copy, 'node_modules'), 'dir')
    writeFileSync(
      join(out, 'main.js'),
      `exports.answer = require(${JSON.stringify(join(copy, 'node_modules', 'dep'))}).n + 1\n`,
    )
    const run = () => runCached([out, join(copy, 'node_modules')], join(out, 'main.js'), tmp)
    expect(run()).toBe('42')
    const cached = readdirSync(join(tmp, 'drydock', 'v8', process.version))
    expect(cached.some((name) => name.endsWith('_dep_index.js.bin'))).toBe(true)
    expect(run()).toBe('42')
  })

  it('removes week-old entries it did not use when it writes new ones, and keeps the rest', () => {
    const root = join(tempDir(), 'out')
    const tmp = tempDir()
    mkdirSync(root, { recursive: true })
    writeFileSync(join(root, 'main.js'), 'exports.answer = 3\n')
    const dir = join(tmp, 'drydock', 'v8', process.version)
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    const old = join(dir, '10-1-_gone_main_abc.js.bin')
    const recent = join(dir, '10-2-_gone_main_def.js.bin')
    writeFileSync(old, 'x', { mode: 0o600 })
    writeFileSync(recent, 'x', { mode: 0o600 })
    const weeksAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000)
    utimesSync(old, weeksAgo, weeksAgo)
    expect(runCached(root, join(root, 'main.js'), tmp)).toBe('3')
    const left = readdirSync(dir)
    expect(left).not.toContain('10-1-_gone_main_abc.js.bin')
    expect(left).toContain('10-2-_gone_main_def.js.bin')
    expect(left).toHaveLength(2) // the recent stranger and main.js's new entry
  })

  it('never runs old code for a file changed to the same size and time', () => {
    const root = join(tempDir(), 'out')
    const tmp = tempDir()
    mkdirSync(root, { recursive: true })
    const file = join(root, 'main.js')
    const run = () => runCached(root, file, tmp)
    const when = new Date('2026-01-01T00:00:00Z')
    writeFileSync(file, 'exports.answer = 1\n')
    utimesSync(file, when, when)
    expect(run()).toBe('1')
    expect(run()).toBe('1')
    writeFileSync(file, 'exports.answer = 2\n')
    utimesSync(file, when, when)
    expect(run()).toBe('2')
  })

  it("leaves a package's module that imports dynamically to Node; caches ours that only mention it", () => {
    const out = join(tempDir(), 'out')
    const pkg = join(tempDir(), 'node_modules', 'dyn')
    const tmp = tempDir()
    mkdirSync(out, { recursive: true })
    mkdirSync(pkg, { recursive: true })
    writeFileSync(join(pkg, 'dep.js'), 'exports.n = 6\n')
    writeFileSync(
      join(pkg, 'index.js'),
      "exports.answer = () => import('./dep.js').then((m) => m.default.n * 7)\n",
    )
    writeFileSync(
      join(out, 'main.js'),
      `/** @typedef { import("./x.js").X } X */\nexports.answer = require(${JSON.stringify(pkg)}).answer\n`,
    )
    const run = () =>
      runCached([out, join(pkg, '..')], join(out, 'main.js'), tmp, 'm.answer().then(console.log)')
    expect(run()).toBe('42')
    expect(run()).toBe('42')
    const cached = readdirSync(join(tmp, 'drydock', 'v8', process.version))
    expect(cached.some((name) => name.endsWith('_main.js.bin'))).toBe(true)
    expect(cached.some((name) => name.endsWith('_dyn_index.js.bin'))).toBe(false)
  })

  it('uses no directory another user could write to', () => {
    const root = join(tempDir(), 'out')
    const tmp = tempDir()
    mkdirSync(root, { recursive: true })
    writeFileSync(join(root, 'main.js'), 'exports.answer = 7\n')
    const shared = join(tmp, 'drydock', 'v8', process.version)
    mkdirSync(shared, { recursive: true })
    chmodSync(shared, 0o777)
    expect(runCached(root, join(root, 'main.js'), tmp)).toBe('7')
    expect(readdirSync(shared)).toEqual([])
  })
})
