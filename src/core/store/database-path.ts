/**
 * Where the log lives when no --db is given. The CLI and the desktop app must agree, so this is
 * Electron's userData directory for an app named "Drydock", computed without Electron.
 */
import { posix, win32 } from 'node:path'

export const DATABASE_FILE_NAME = 'drydock.sqlite'
/** The app's own directory: the log's directory is made private to the user only when it is
 * this one (or Drydock created it), never a directory the user chose for --db. */
export const APP_DIRECTORY = 'Drydock'

export function defaultDatabasePath(
  env: Record<string, string | undefined>,
  platform: NodeJS.Platform,
  homedir: string,
): string {
  const explicit = env.DRYDOCK_DB
  if (explicit) return explicit
  if (platform === 'win32') {
    const appData = env.APPDATA || win32.join(homedir, 'AppData', 'Roaming')
    return win32.join(appData, APP_DIRECTORY, DATABASE_FILE_NAME)
  }
  if (platform === 'darwin') {
    return posix.join(homedir, 'Library', 'Application Support', APP_DIRECTORY, DATABASE_FILE_NAME)
  }
  // Linux and the other Unixes: Chromium takes XDG_CONFIG_HOME when it is non-empty.
  const config = env.XDG_CONFIG_HOME || posix.join(homedir, '.config')
  return posix.join(config, APP_DIRECTORY, DATABASE_FILE_NAME)
}
