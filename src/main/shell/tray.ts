/**
 * The tray icon in Electron: Tray and Menu behind the TrayLike that tray-controller.ts drives.
 * Everything that decides anything lives in the controller and the pure model.
 */
import { Menu, nativeImage, Tray } from 'electron'
import { startTray, type TrayControllerOptions, type TrayLike } from './tray-controller'

function electronTray(iconPath: string): TrayLike {
  const tray = new Tray(nativeImage.createFromPath(iconPath))
  return {
    setImage: (path) => tray.setImage(nativeImage.createFromPath(path)),
    setToolTip: (text) => tray.setToolTip(text),
    setContextMenu: (template) => tray.setContextMenu(Menu.buildFromTemplate(template)),
    onClick: (listener) => tray.on('click', () => listener()),
    destroy: () => tray.destroy(),
  }
}

export function createTray(options: Omit<TrayControllerOptions, 'createTray'>): {
  destroy(): void
} {
  return startTray({ ...options, createTray: electronTray })
}
