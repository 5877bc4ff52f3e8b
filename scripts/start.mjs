#!/usr/bin/env node
// `npm start`: make sure the Electron runtime is here (it downloads on first run), build the app,
// give better-sqlite3 a copy built for Electron's ABI, and open the window. node_modules keeps
// the Node-ABI build the tests and the CLI use; the Electron copy lives in .cache/.
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)
const electronDir = join(root, 'node_modules', 'electron')
const electronVersion = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version

function fail(sentence) {
  process.stderr.write(`drydock: ${sentence}\n`)
  process.exit(1)
}

function ensureElectronBinary() {
  // electron's install.js downloads the runtime unless it is already in node_modules/electron/dist.
  const result = spawnSync(process.execPath, [join(electronDir, 'install.js')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const pathFile = join(electronDir, 'path.txt')
  if (result.status !== 0 || !existsSync(pathFile)) {
    fail(
      `the Electron ${electronVersion} runtime could not be downloaded on this machine, so the window cannot open; ` +
        'the CLI (node bin/drydock.js) and browser mode (node bin/drydock.js serve) work without it.',
    )
  }
  return join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim())
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options })
  return result.status === 0
}

/** An Electron-ABI better-sqlite3 in .cache/electron-<version>/, built once per Electron version. */
function ensureElectronSqlite() {
  const workDir = join(root, '.cache', `electron-${electronVersion}`)
  const binding = join(
    workDir,
    'node_modules',
    'better-sqlite3',
    'build',
    'Release',
    'better_sqlite3.node',
  )
  if (existsSync(binding)) return binding
  rmSync(workDir, { recursive: true, force: true })
  mkdirSync(join(workDir, 'node_modules'), { recursive: true })
  const source = dirname(require.resolve('better-sqlite3/package.json'))
  cpSync(source, join(workDir, 'node_modules', 'better-sqlite3'), {
    recursive: true,
    filter: (path) => !path.includes(`${join('better-sqlite3', 'build')}`),
  })
  const { version } = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8'))
  writeFileSync(
    join(workDir, 'package.json'),
    JSON.stringify({
      name: 'drydock-electron-abi',
      private: true,
      dependencies: { 'better-sqlite3': version },
    }),
  )
  // An npmrc `nodedir` would make node-gyp compile against Node's headers: wrong ABI, silently.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^npm_config_nodedir$/i.test(key)),
  )
  const ok = run(
    process.execPath,
    [
      join(root, 'node_modules', '@electron', 'rebuild', 'lib', 'cli.js'),
      '--version',
      electronVersion,
      '--module-dir',
      workDir,
      '--only',
      'better-sqlite3',
      '--force',
    ],
    { env },
  )
  if (!ok || !existsSync(binding)) {
    fail(
      `better-sqlite3 could not be built for Electron ${electronVersion}; see the messages above.`,
    )
  }
  return binding
}

const electronBinary = ensureElectronBinary()
if (
  !run(process.execPath, [
    join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
    'build',
  ])
) {
  fail('the build failed; see the messages above.')
}
const sqliteBinding = ensureElectronSqlite()
const child = spawn(electronBinary, [root], {
  stdio: 'inherit',
  env: { ...process.env, DRYDOCK_SQLITE_BINDING: sqliteBinding },
})
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)))
