'use strict'
// V8's code cache for the built CLI: Node 20 has no module.enableCompileCache, so the bundle (and
// the packages it loads from node_modules) is compiled through vm.Script with the cached data of
// the previous run. Compiling the ~650 kB bundle is the largest part of a short command's start-up
// (about 35 ms of ~190); with the cache it is a few. Keyed by Node's version and each file's size and checksum, kept in the user's own
// cache directory (V8 trusts cached code: never a shared or foreign one), and written after the
// command ran (so lazily compiled functions are in it too). Anything unexpected falls back to
// Node's own loading.
const {
  lstatSync,
  mkdirSync,
  realpathSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
  renameSync,
} = require('node:fs')
const NodeModule = require('node:module')
const { dirname, join, sep } = require('node:path')
const { homedir } = require('node:os')
const vm = require('node:vm')
const zlib = require('node:zlib')

/**
 * The directory and files must be this user's alone: owned by them, no one else may write. Their
 * stats when they are (for their age), else null.
 */
function ours(path, kind) {
  try {
    const stats = lstatSync(path)
    const uid = typeof process.getuid === 'function' ? process.getuid() : stats.uid
    const right = kind === 'dir' ? stats.isDirectory() : stats.isFile()
    return right && stats.uid === uid && (stats.mode & 0o022) === 0 ? stats : null
  } catch {
    return null
  }
}

/** Cache files nobody read or wrote for this long are removed when a command writes new ones (a
 * rebuild or an upgrade names new files; the old ones would stay forever). */
const DAY_MS = 24 * 3600 * 1000
const STALE_MS = 7 * DAY_MS

/** CRC-32 of the source (zlib's, Node ≥ 20.15); its length alone where there is none. */
function checksum(content) {
  return typeof zlib.crc32 === 'function' ? zlib.crc32(content).toString(16) : 'n'
}

/**
 * `roots`: the directories whose modules go through the cache (the bundle, the packages it loads
 * from node_modules). `flags`: the V8 flags the launcher set (cached code is only accepted under
 * the same flags). `command`: whose cache it is. A cache holds the functions the run that wrote
 * it compiled, and is never rewritten while V8 accepts it: shared by every command, the first one
 * decided for all (after a `drydock --version` every plan of 2,000 images compiled its own
 * functions again: 36 ms more CPU, each time). So each command keeps its own.
 */
function install(roots, flags = '', command = '') {
  // Node names a module by its real path: a root reached through a link (node_modules linked
  // into a copy of the build, as the benchmark's is, or by pnpm) must be compared as that path.
  const under = [roots].flat().map((root) => {
    try {
      return realpathSync(root)
    } catch {
      return root
    }
  })
  // The command as typed, so kept short and to safe characters: it is part of a file name.
  const who = String(command)
    .replace(/[^A-Za-z0-9]+/g, '')
    .slice(0, 24)
  const tag = `${flags.replace(/[^A-Za-z0-9=]+/g, '')}${who ? `-${who}-` : ''}`
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache')
  const dir = join(base, 'drydock', 'v8', process.version)
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
  } catch {
    return
  }
  if (!ours(dir, 'dir')) return
  const pending = []
  const used = new Set()
  const original = NodeModule.prototype._compile
  NodeModule.prototype._compile = function compile(content, filename, ...rest) {
    // CommonJS only: an ES module (Node ≥ 20.19 requires them through here) is Node's to load,
    // and so is a package's file that may call import() (vm.Script has no loader for it; Node
    // 20's is experimental and warns). Our own bundle has none: rolldown turns ours into require,
    // and its text says `import(` only in comments (commander's JSDoc).
    if (
      rest[0] === 'module' ||
      !under.some((root) => filename.startsWith(root)) ||
      (filename.includes(`${sep}node_modules${sep}`) && content.includes('import('))
    ) {
      return original.call(this, content, filename, ...rest)
    }
    // The content's checksum, not its time: an upgrade may keep a file's size and time
    // (installers restore the package's times) and change what it says.
    const key = join(
      dir,
      `${content.length}-${checksum(content)}-${tag}${filename.replace(/[^A-Za-z0-9.]+/g, '_')}.bin`,
    )
    let cachedData
    try {
      const stats = ours(key, 'file')
      if (stats) {
        cachedData = readFileSync(key)
        // Reading leaves the time alone: mark it used, so that removeStale keeps it.
        const now = Date.now()
        if (now - stats.mtimeMs > DAY_MS) utimesSync(key, now / 1000, now / 1000)
      }
    } catch {
      cachedData = undefined
    }
    used.add(key)
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
    if (pending.length > 0) removeStale(dir, used)
  })
}

/** Removes the cache files of modules this command did not load that nobody wrote for a week. */
function removeStale(dir, used) {
  try {
    const now = Date.now()
    for (const name of readdirSync(dir)) {
      const path = join(dir, name)
      // `.bin.<pid>`: a write that a crash cut short (one in progress is minutes younger).
      if (used.has(path) || !/\.bin(?:\.\d+)?$/.test(name)) continue
      try {
        const stats = ours(path, 'file')
        if (stats && now - stats.mtimeMs > STALE_MS) unlinkSync(path)
      } catch {
        // Gone already, or not ours to remove.
      }
    }
  } catch {
    // An unreadable directory: nothing to tidy.
  }
}

module.exports = { install }
