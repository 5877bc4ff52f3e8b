/** Facts about the installed package (version, where the built renderer lives), found by walking
 * up from this file, so they hold for the sources (tests), the build (out/main) and the CLI. */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

function findPackageRoot(start: string): string {
  let dir = start
  for (;;) {
    const candidate = join(dir, 'package.json')
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }
      if (pkg.name === 'drydock') return dir
    }
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`Cannot find Drydock's package.json above ${start}.`)
    dir = parent
  }
}

let root: string | undefined

export function packageRoot(): string {
  root ??= findPackageRoot(__dirname)
  return root
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
    version: string
  }
  return pkg.version
}

export function builtRendererDir(): string {
  return join(packageRoot(), 'out', 'renderer')
}

/** Browser mode's first frame built for Node (electron.vite.config.ts, firstFrameBuild). */
export function builtFirstFrameModule(): string {
  return join(packageRoot(), 'out', 'first-frame', 'first-frame.cjs')
}
