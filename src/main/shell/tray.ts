/**
 * The tray icon: Electron's Tray and Menu built from the pure model in tray-model.ts, rebuilt
 * whenever the tray state changes. Everything that decides anything lives in the model.
 */
import { join } from 'node:path'
import { Menu, nativeImage, Tray } from 'electron'
import {
  trayIconVariant,
  trayMenuModel,
  trayTooltip,
  type TrayActionId,
  type TrayIconVariant,
} from './tray-model'
import { toMenuTemplate, trayIconFile } from './tray-template'
import type { TrayStateStore } from './tray-state'

export interface TrayOptions {
  resourcesDir: string
  platform: NodeJS.Platform
  store: TrayStateStore
  onAction: (id: TrayActionId) => void
}

export function createTray(options: TrayOptions): { destroy(): void } {
  const iconPath = (variant: TrayIconVariant) =>
    join(options.resourcesDir, trayIconFile(variant, options.platform))
  let variant = trayIconVariant(options.store.state)
  const tray = new Tray(nativeImage.createFromPath(iconPath(variant)))

  const render = () => {
    const state = options.store.state
    const next = trayIconVariant(state)
    if (next !== variant) {
      variant = next
      tray.setImage(nativeImage.createFromPath(iconPath(variant)))
    }
    tray.setToolTip(trayTooltip(state))
    tray.setContextMenu(
      Menu.buildFromTemplate(toMenuTemplate(trayMenuModel(state), options.onAction)),
    )
  }
  render()
  const stopListening = options.store.onChange(render)
  // Windows and most Linux trays open the menu on right click; a left click opens the window.
  if (options.platform !== 'darwin') tray.on('click', () => options.onAction('open'))

  return {
    destroy() {
      stopListening()
      tray.destroy()
    },
  }
}
