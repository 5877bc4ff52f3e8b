/**
 * The tray model in Electron's terms, without loading Electron (type imports only): the menu
 * template and the icon file for each platform. tray.ts hands these to Tray and Menu.
 */
import type { MenuItemConstructorOptions } from 'electron'
import type { TrayActionId, TrayIconVariant, TrayMenuItem } from './tray-model'

/** Icon files in resources/ (made by scripts/make-icons.mjs). macOS picks the @2x file and
 * treats a name ending in "Template" as a template image that follows the menu bar's colour. */
export function trayIconFile(variant: TrayIconVariant, platform: NodeJS.Platform): string {
  const alert = variant === 'alert'
  switch (platform) {
    case 'darwin':
      return alert ? 'trayAlertTemplate.png' : 'trayTemplate.png'
    case 'win32':
      return alert ? 'tray-alert.ico' : 'tray.ico'
    default:
      return alert ? 'tray-alert.png' : 'tray.png'
  }
}

/** The model as Electron's menu template; actions call `onAction` with their id. */
export function toMenuTemplate(
  items: readonly TrayMenuItem[],
  onAction: (id: TrayActionId) => void,
): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.kind) {
      case 'separator':
        return { type: 'separator' }
      case 'status':
        return { label: item.label, enabled: false }
      case 'action':
        return {
          label: item.label,
          enabled: item.enabled,
          click: () => onAction(item.id),
        }
      case 'submenu':
        return {
          label: item.label,
          enabled: item.enabled,
          submenu: toMenuTemplate(item.items, onAction),
        }
    }
  })
}
