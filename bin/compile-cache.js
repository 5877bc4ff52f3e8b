'use strict'
// V8's code cache for the built CLI: Node 20 has no module.enableCompileCache, so the bundle is
// compiled through vm.Script with the cached data of the previous run. Compiling the ~650 kB
// bundle is the largest part of a short command's start-up (about 35 ms of ~190); with the cache
// it is a few. Keyed by Node's version and each file's size and time, kept in the temp
// directory, and written after the command ran (so lazily compiled functions are in it too).
// Anything unexpected falls back to Node's own loading.
const { mkdirSync, readFileSync, statSync, writeFileSync, renameSync } = require('node:fs')
const NodeModule = require('node:module')
const { dirname, join } = require('node:path')
const { tmpdir } = require('node:os')
const vm = require('node:vm')

function install(root) {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user'
  const dir = join(tmpdir(), `drydock-v8-cache-${uid}`, process.version)
  const pending = []
  const original = NodeModule.prototype._compile
  NodeModule.prototype._compile = function compile(content, filename) {
    if (!filename.startsWith(root)) return original.call(this, content, filename)
    let key
    try {
      const stats = statSync(filename)
      key = join(
        dir,
        `${stats.size}-${Math.floor(stats.mtimeMs)}-${filename.replace(/[^A-Za-z0-9.]+/g, '_')}.bin`,
      )
    } catch {
      return original.call(this, content, filename)
    }
    let cachedData
    try {
      cachedData = readFileSync(key)
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
        mkdirSync(dirname(key), { recursive: true, mode: 0o700 })
        const temp = `${key}.${process.pid}`
        writeFileSync(temp, script.createCachedData(), { mode: 0o600 })
        renameSync(temp, key)
      } catch {
        // No cache this time: the next run compiles as usual.
      }
    }
  })
}

module.exports = { install }
