/**
 * Applies the "start at login" setting: a login item on macOS and Windows, an XDG autostart
 * entry elsewhere (Linux and the BSDs). Every login launch starts hidden, in the tray.
 */
import { app } from 'electron'
import { applyXdgAutostart, HIDDEN_FLAG, loginCommand } from './autostart'

export function applyStartAtLogin(enabled: boolean): void {
  // `electron .` in development: the login item must name the app directory too.
  const appPath = process.defaultApp ? app.getAppPath() : null
  if (process.platform === 'darwin' || process.platform === 'win32') {
    // macOS ignores `args` and reports the launch as wasOpenedAtLogin instead.
    app.setLoginItemSettings({
      openAtLogin: enabled,
      path: process.execPath,
      args: appPath ? [appPath, HIDDEN_FLAG] : [HIDDEN_FLAG],
    })
    return
  }
  applyXdgAutostart({
    enabled,
    command: loginCommand({ execPath: process.execPath, appPath, appImage: process.env.APPIMAGE }),
    env: process.env,
    homeDir: app.getPath('home'),
  })
}

/** macOS tells a login launch apart this way; elsewhere the --hidden flag does. */
export function openedAtLogin(): boolean {
  return process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin
}
