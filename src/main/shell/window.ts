/**
 * The main window. Its options come from a plain function so a unit test can assert the
 * security baseline without an Electron runtime.
 */
import type { BrowserWindowConstructorOptions } from 'electron'

export interface WindowOptionsInput {
  preloadPath: string
  iconPath?: string
}

export function mainWindowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    title: 'Drydock',
    width: 1180,
    height: 780,
    minWidth: 860,
    minHeight: 560,
    show: false, // shown on ready-to-show, so the window never flashes white
    backgroundColor: '#0f1419',
    ...(input.iconPath ? { icon: input.iconPath } : {}),
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  }
}
