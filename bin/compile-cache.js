'use strict'
// V8's code cache for the built CLI: Node 20 has no module.enableCompileCache, so the bundle is
// compiled through vm.Script with the cached data of the previous run. Compiling the ~650 kB
// bundle is the largest part of a short command's start-up (about 35 ms of ~190); with the cache
// it is a few. Keyed by Node's version and each file's size and time, kept in the user's own
// cache directory (V8 trusts cached code: never a shared or foreign one), and written after the
// command ran (so lazily compiled functions are in it too). Anything unexpected falls back to
// Node's own loading.
const {
  lstatSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
  renameSync,
} = require('node:fs')
const NodeModule = require('node:module')
const { dirname, join } = require('node:path')
const { homedir } = require('node:os')
const vm = require('node:vm')

/** The directory and files must be this user's alone: owned by them, no one else may write. */
function ours(path, kind) {
  try {
    const stats = lstatSync(path)
    const uid = typeof process.getuid === 'function' ? process.getuid() : stats.uid
    const right = kind === 'dir' ? stats.isDirectory() : stats.isFile()
    return right && stats.uid === uid && (stats.mode & 0o022) === 0
  } catch {
    return false
  }
}

/** `flags`: the V8 flags the launcher set (cached code is only accepted under the same flags). */
function install(root, flags = '') {
  const tag = flags.replace(/[^A-Za-z0-9=]+/g, '')
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache')
  const dir = join(base, 'drydock', 'v8', process.version)
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
  } catch {
    return
  }
  if (!ours(dir, 'dir')) return
  const pending = []
  const original = NodeModule.prototype._compile
  NodeModule.prototype._compile = function compile(content, filename) {
    if (!filename.startsWith(root)) return original.call(this, content, filename)
    let key
    try {
      const stats = statSync(filename)
      key = join(
        dir,
        `${stats.size}-${Math.floor(stats.mtimeMs)}-${tag}${filename.replace(/[^A-Za-z0-9.]+/g, '_')}.bin`,
      )
    } catch {
      return original.call(this, content, filename)
    }
    let cachedData
    try {
      cachedData = ours(key, 'file') ? readFileSync(key) : undefined
    } catch {
      cachedData = undefined
    }
    const script = new vm.Script(NodeModule.wrap(content), { filename, cachedData })
    if (cachedData === undefined || script.cachedDataRejected) pending.push({ key, script })
    const run = script.runInThisContext({ displayErrors: true })
    const require = NodeModule.createRequire(filename)
    return run.call(this.exports, this.exports, require, this, filename, dirname(filename))
  }
  process.once('exit', () => {
    for (const { key, script } of pending) {
      try {
        const temp = `${key}.${process.pid}`
        // `wx`: never through a file (or a link) someone else put there.
        writeFileSync(temp, script.createCachedData(), { mode: 0o600, flag: 'wx' })
        renameSync(temp, key)
      } catch {
        // No cache this time: the next run compiles as usual.
      }
    }
  })
}

module.exports = { install }
