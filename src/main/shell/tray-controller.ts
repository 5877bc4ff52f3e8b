/**
 * The tray icon kept in step with the tray state: icon variant, tooltip and menu are rebuilt
 * from the pure model whenever the store changes. Electron is reached only through a TrayLike
 * (tray.ts wraps Electron's Tray and Menu; tests pass a stand-in), so no Electron loads here.
 */
import { join } from 'node:path'
import type { MenuItemConstructorOptions } from 'electron'
import {
  trayIconVariant,
  trayMenuModel,
  trayTooltip,
  type TrayActionId,
  type TrayIconVariant,
  type TrayMenuItem,
  type TrayState,
} from './tray-model'

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

/** What the controller needs of Electron's Tray (with Menu.buildFromTemplate behind it). */
export interface TrayLike {
  setImage(iconPath: string): void
  setToolTip(text: string): void
  setContextMenu(template: MenuItemConstructorOptions[]): void
  onClick(listener: () => void): void
  destroy(): void
}

/** The part of TrayStateStore the controller follows. */
export interface TrayStateSource {
  readonly state: TrayState
  onChange(listener: (state: TrayState) => void): () => void
}

export interface TrayControllerOptions {
  resourcesDir: string
  platform: NodeJS.Platform
  store: TrayStateSource
  onAction: (id: TrayActionId) => void
  /** Makes the platform's tray icon showing `iconPath`. */
  createTray: (iconPath: string) => TrayLike
}

export function startTray(options: TrayControllerOptions): { destroy(): void } {
  const iconPath = (variant: TrayIconVariant) =>
    join(options.resourcesDir, trayIconFile(variant, options.platform))
  let variant = trayIconVariant(options.store.state)
  const tray = options.createTray(iconPath(variant))

  const render = (state: TrayState) => {
    const next = trayIconVariant(state)
    if (next !== variant) {
      variant = next
      tray.setImage(iconPath(variant))
    }
    tray.setToolTip(trayTooltip(state))
    tray.setContextMenu(toMenuTemplate(trayMenuModel(state), options.onAction))
  }
  render(options.store.state)
  const stopListening = options.store.onChange(render)
  // Windows and most Linux trays open the menu on right click; a left click opens the window.
  if (options.platform !== 'darwin') tray.onClick(() => options.onAction('open'))

  return {
    destroy() {
      stopListening()
      tray.destroy()
    },
  }
}
