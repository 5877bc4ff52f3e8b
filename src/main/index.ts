/**
 * Electron entry: app lifecycle, single instance, and the wiring of the shell (window, IPC) to
 * the Electron-free service. Everything Drydock knows lives below src/main/*, not here.
 */
import { app, BrowserWindow, ipcMain } from 'electron'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { DrydockService } from './service'
import { hardenWebContents } from './shell/hardening'
import { forwardEvents, registerIpcHandlers } from './shell/ipc'
import { isTrustedFrame } from './shell/sender'
import { mainWindowOptions } from './shell/window'

const rendererDevUrl = process.env.ELECTRON_RENDERER_URL
const rendererFile = join(__dirname, '../renderer/index.html')
const rendererUrl = rendererDevUrl ?? pathToFileURL(rendererFile).href

let mainWindow: BrowserWindow | null = null

function createMainWindow(service: DrydockService): BrowserWindow {
  const window = new BrowserWindow(
    mainWindowOptions({
      preloadPath: join(__dirname, '../preload/index.js'),
      iconPath: join(__dirname, '../../resources/icon.png'),
    }),
  )
  const stopForwarding = forwardEvents(service, window.webContents)
  window.once('ready-to-show', () => window.show())
  window.on('closed', () => {
    stopForwarding()
    mainWindow = null
  })
  if (rendererDevUrl) void window.loadURL(rendererDevUrl)
  else void window.loadFile(rendererFile)
  return window
}

function showMainWindow(service: DrydockService): void {
  if (!mainWindow) mainWindow = createMainWindow(service)
  if (mainWindow.isMinimized()) mainWindow.restore()
  mainWindow.focus()
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents))

  void app.whenReady().then(() => {
    const service = new DrydockService({
      transport: 'ipc',
      version: app.getVersion(),
      // The same file the CLI uses by default (see store/database-path.ts).
      databasePath: process.env.DRYDOCK_DB || join(app.getPath('userData'), 'drydock.sqlite'),
      // npm start builds better-sqlite3 for Electron's ABI beside node_modules' Node build.
      ...(process.env.DRYDOCK_SQLITE_BINDING
        ? { sqliteBinding: process.env.DRYDOCK_SQLITE_BINDING }
        : {}),
    })
    registerIpcHandlers(ipcMain, service, (frame) => isTrustedFrame(frame, rendererUrl))
    service.watchConnection()
    showMainWindow(service)

    app.on('second-instance', () => showMainWindow(service))
    app.on('activate', () => showMainWindow(service))
    app.on('before-quit', () => service.close())
  })

  app.on('window-all-closed', () => {
    // The tray (a later issue) keeps Drydock alive; until then closing the window quits.
    app.quit()
  })
}
