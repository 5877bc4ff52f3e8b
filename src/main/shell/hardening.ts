/**
 * Navigation and window rules for every web contents: Drydock's window never navigates away
 * from its own page and never opens another window; a few documentation links open in the
 * user's browser instead. Its session grants no permission but writing text to the clipboard.
 */
import { shell, type Session, type WebContents } from 'electron'
import { isAllowedExternalUrl } from './external-links'

export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault())
  contents.on('will-redirect', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
}

/** Permissions the renderer may have: copying a command (e.g. a restore hint) to the clipboard. */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write'])

export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback) =>
    callback(ALLOWED_PERMISSIONS.has(permission)),
  )
  session.setPermissionCheckHandler((_contents, permission) => ALLOWED_PERMISSIONS.has(permission))
}
