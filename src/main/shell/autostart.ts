/**
 * Start at login. macOS and Windows have login items (Electron's app.setLoginItemSettings);
 * Linux desktops follow the XDG Autostart specification: a .desktop file in
 * $XDG_CONFIG_HOME/autostart (default ~/.config/autostart). This module writes and removes that
 * file and builds the command it runs; it touches only the paths it is given.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'

/** Passed by every login launch, so Drydock starts in the tray rather than with a window. */
export const HIDDEN_FLAG = '--hidden'

export const AUTOSTART_FILE_NAME = 'drydock.desktop'

/** The autostart directory; a relative XDG_CONFIG_HOME is invalid per the spec and ignored. */
export function autostartDir(env: Record<string, string | undefined>, homeDir: string): string {
  const configHome = env.XDG_CONFIG_HOME
  const base = configHome && isAbsolute(configHome) ? configHome : join(homeDir, '.config')
  return join(base, 'autostart')
}

export interface LaunchContext {
  /** process.execPath: the Electron binary (or the packaged app's). */
  execPath: string
  /** Set when Electron runs an app directory (`electron .`), i.e. in development. */
  appPath: string | null
  /** $APPIMAGE: an AppImage runs from a temporary mount, so login must start the image file. */
  appImage: string | undefined
}

/** The command a login launch runs, ending with the --hidden flag. */
export function loginCommand(context: LaunchContext): string[] {
  if (context.appImage) return [context.appImage, HIDDEN_FLAG]
  if (context.appPath) return [context.execPath, context.appPath, HIDDEN_FLAG]
  return [context.execPath, HIDDEN_FLAG]
}

/** Quotes one argument of an Exec key as the Desktop Entry specification requires. */
function quoteExecArgument(argument: string): string {
  const escapedPercent = argument.replace(/%/g, '%%')
  if (!/[\s"'\\><~|&;$*?#()`=]/.test(escapedPercent)) return escapedPercent
  return `"${escapedPercent.replace(/(["`$\\])/g, '\\$1')}"`
}

export function desktopEntry(command: string[]): string {
  // Inside a quoted Exec argument the spec's escapes are themselves escaped once more, because
  // the value of any string key is unescaped first (`\\` -> `\`).
  const exec = command
    .map(quoteExecArgument)
    .map((argument) => argument.replace(/\\/g, '\\\\'))
    .join(' ')
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Drydock',
    'Comment=See what Docker keeps on disk and reclaim it safely',
    `Exec=${exec}`,
    'Icon=drydock',
    'Terminal=false',
    'Categories=Development;Utility;',
    'StartupWMClass=drydock',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n')
}

export type AutostartChange = 'written' | 'removed' | 'unchanged'

export interface XdgAutostartRequest {
  enabled: boolean
  command: string[]
  env: Record<string, string | undefined>
  homeDir: string
}

/** Makes the autostart entry match `enabled`; rewrites it only when its content changed. */
export function applyXdgAutostart(request: XdgAutostartRequest): {
  path: string
  change: AutostartChange
} {
  const dir = autostartDir(request.env, request.homeDir)
  const path = join(dir, AUTOSTART_FILE_NAME)
  if (!request.enabled) {
    if (!existsSync(path)) return { path, change: 'unchanged' }
    rmSync(path, { force: true })
    return { path, change: 'removed' }
  }
  const content = desktopEntry(request.command)
  if (existsSync(path) && readFileSync(path, 'utf8') === content) {
    return { path, change: 'unchanged' }
  }
  mkdirSync(dir, { recursive: true })
  // Written beside and renamed, so a session manager never reads half a file.
  const partial = `${path}.partial`
  writeFileSync(partial, content, { mode: 0o644 })
  renameSync(partial, path)
  return { path, change: 'written' }
}
