/**
 * Where the Electron runtime is, if it is here at all: it cannot be downloaded on the build
 * machines, so every Electron spec skips itself with SKIP_REASON when this is null.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export const root = join(__dirname, '../../..')
const electronDir = join(root, 'node_modules', 'electron')

export function electronBinary(): string | null {
  const pathFile = join(electronDir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const binary = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(binary) ? binary : null
}

export const SKIP_REASON =
  'not run: the Electron runtime is not present here (npm start downloads it where the network allows)'
