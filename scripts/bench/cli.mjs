// The drydock CLI under test. The benchmark runs a private copy of out/main and bin/: other
// people build into out/ while it runs (electron-vite empties the directory first), and a
// half-written bundle mid-measurement would break a run that takes minutes. The copy lives
// inside the repository so Node still resolves node_modules (better-sqlite3, dockerode) and
// package.json from it.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cp, mkdir, readdir, rm, stat, symlink } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
export const REPO = resolve(import.meta.dirname, '../..')
const SNAPSHOT = join(REPO, 'artifacts/bench/.cli')

async function newestMtime(dir) {
  let newest = 0
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue
    newest = Math.max(
      newest,
      (await stat(join(entry.parentPath ?? entry.path, entry.name))).mtimeMs,
    )
  }
  return newest
}

/**
 * Builds when asked, then copies the bundle. Returns the launcher path and a warning when the
 * bundle is older than the sources (the figures would describe old code).
 */
export async function prepareCli({ build, log }) {
  if (build) {
    log('building the CLI (npx electron-vite build)')
    await run('npx', ['electron-vite', 'build'], { cwd: REPO, maxBuffer: 64 * 1024 * 1024 })
  }
  const bundle = join(REPO, 'out/main/cli.js')
  if (!existsSync(bundle))
    throw new Error('out/main/cli.js is missing: run `npx electron-vite build` or pass --build')
  const builtAt = (await stat(bundle)).mtimeMs
  const sourcesAt = await newestMtime(join(REPO, 'src'))
  const warning =
    sourcesAt > builtAt
      ? `out/main/cli.js (${new Date(builtAt).toISOString()}) is older than src/ (${new Date(sourcesAt).toISOString()}); pass --build to measure the current sources`
      : null

  await rm(SNAPSHOT, { recursive: true, force: true })
  await mkdir(join(SNAPSHOT, 'bin'), { recursive: true })
  await cp(join(REPO, 'out/main'), join(SNAPSHOT, 'out/main'), { recursive: true })
  // The whole launcher, as the README runs it: bin/drydock.js and V8's code cache beside it
  // (bin/compile-cache.js), which also covers the packages in node_modules, linked here as they
  // sit beside the build in a checkout. Without it every run compiled the bundle afresh (~45 ms
  // more CPU per plan) where a user's second run does not.
  await cp(join(REPO, 'bin'), join(SNAPSHOT, 'bin'), { recursive: true })
  await symlink(join(REPO, 'node_modules'), join(SNAPSHOT, 'node_modules'), 'dir')
  return {
    git: await gitState(),
    bin: join(SNAPSHOT, 'bin/drydock.js'),
    bundle: join(SNAPSHOT, 'out/main/cli.js'),
    builtAt: new Date(builtAt).toISOString(),
    warning,
    remove: () => rm(SNAPSHOT, { recursive: true, force: true }),
  }
}

/** Which code the figures describe: the commit, and how many source files differ from it. */
async function gitState() {
  try {
    const { stdout: commit } = await run('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO })
    const { stdout: status } = await run('git', ['status', '--porcelain', '--', 'src'], {
      cwd: REPO,
    })
    return { commit: commit.trim(), changedSourceFiles: status.split('\n').filter(Boolean).length }
  } catch {
    return null
  }
}
