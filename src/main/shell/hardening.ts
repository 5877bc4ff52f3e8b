/**
 * Navigation and window rules for every web contents: Drydock's window never navigates away
 * from its own page and never opens another window; a few documentation links open in the
 * user's browser instead.
 */
import { shell, type WebContents } from 'electron'
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
