/**
 * Electron entry: app lifecycle, single instance, and the wiring of the shell (window, tray,
 * notifications, IPC, login item) to the Electron-free service. The decisions are made in
 * src/main/shell's plain modules (unit-tested); this file only connects them to Electron.
 */
import { app, BrowserWindow, ipcMain, powerMonitor, screen, session } from 'electron'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { EVENT_CHANNEL } from '../shared/channels'
import type { EventSource } from '../shared/contract'
import { DEFAULT_SETTINGS, type Settings } from '../shared/settings'
import { createInProcessClient } from '../core/in-process-client'
import { DrydockService } from '../core/service'
import { FIRST_SAMPLE_AFTER_START_MS } from '../core/sampler'
import { APP_ID } from './shell/app-id'
import { createAutomationNotifier } from './shell/automation-notifications'
import { electronNotificationFactory } from './shell/electron-notification'
import { launchOverrides } from './shell/dev-overrides'
import { hardenSession, hardenWebContents } from './shell/hardening'
import { forwardEvents, registerIpcHandlers } from './shell/ipc'
import { closeAction, observeSettings, startsHidden } from './shell/lifecycle'
import { applyStartAtLogin, openedAtLogin } from './shell/login-item'
import { MainWindowController, type WindowLike } from './shell/main-window'
import { CLEANUP_PREVIEW_HASH, createAlertNotifier } from './shell/notifications'
import { createOneClickCleanup } from './shell/one-click'
import { isTrustedFrame } from './shell/sender'
import { createTray } from './shell/tray'
import { snoozeUntil, type TrayActionId } from './shell/tray-model'
import { TrayStateStore } from './shell/tray-state'
import { mainWindowOptions } from './shell/window'
import { placeWindow, readWindowState, writeWindowState } from './shell/window-state'
import { errorMessage } from '../shared/errors'

// Development servers and bindings only: a packaged app ignores the variables (dev-overrides.ts).
const overrides = launchOverrides(process.env, app.isPackaged)
const rendererDevUrl = overrides.rendererUrl
const rendererFile = join(__dirname, '../renderer/index.html')
const rendererUrl = rendererDevUrl ?? pathToFileURL(rendererFile).href
const resourcesDir = join(__dirname, '../../resources')

/** Quit was asked for (tray, app menu, OS logout): windows close instead of hiding. */
let quitting = false
/** The latest settings, for decisions that cannot wait for the log (closing a window). */
let settings: Settings = DEFAULT_SETTINGS
let trayAvailable = false

function applyLoginItem(enabled: boolean): void {
  try {
    applyStartAtLogin(enabled)
  } catch (error) {
    console.error(`Drydock could not change start at login: ${String(error)}`)
  }
}

function createMainWindow(events: EventSource, hash: string | null, stateFile: string): WindowLike {
  const options = mainWindowOptions({
    preloadPath: join(__dirname, '../preload/index.js'),
    iconPath: join(resourcesDir, 'icon.png'),
  })
  const primary = screen.getPrimaryDisplay()
  const displays = [primary, ...screen.getAllDisplays().filter((d) => d.id !== primary.id)]
  const placement = placeWindow(
    readWindowState(stateFile),
    displays.map((display) => display.workArea),
    {
      width: options.width ?? 1180,
      height: options.height ?? 780,
      minWidth: options.minWidth ?? 0,
      minHeight: options.minHeight ?? 0,
    },
  )
  const window = new BrowserWindow({ ...options, ...placement.bounds })
  const stopForwarding = forwardEvents(events, window.webContents)

  // Shown once painted, so it never flashes white; a show() asked for earlier waits for that.
  let painted = false
  let showWhenPainted = false
  window.once('ready-to-show', () => {
    painted = true
    if (showWhenPainted) window.show()
    if (placement.maximized) window.maximize()
  })

  // Windows ends the session without 'before-quit': closing must then really close.
  window.on('session-end', () => {
    quitting = true
  })
  window.on('close', (event) => {
    try {
      writeWindowState(stateFile, {
        bounds: window.getNormalBounds(),
        maximized: window.isMaximized(),
      })
    } catch (error) {
      console.error(`Drydock could not remember the window position: ${String(error)}`)
    }
    const action = closeAction({ quitting, closeToTray: settings.closeToTray, trayAvailable })
    if (action === 'hide') {
      event.preventDefault()
      window.hide()
    }
  })
  window.on('closed', stopForwarding)

  const page = hash ? hash.slice(1) : undefined
  if (rendererDevUrl) void window.loadURL(rendererDevUrl + (hash ?? ''))
  else void window.loadFile(rendererFile, page ? { hash: page } : {})

  return {
    isDestroyed: () => window.isDestroyed(),
    isMinimized: () => window.isMinimized(),
    restore: () => window.restore(),
    show: () => {
      if (painted) window.show()
      else showWhenPainted = true
    },
    focus: () => window.focus(),
    isLoading: () => window.webContents.isLoading(),
    onceLoaded: (listener) => window.webContents.once('did-finish-load', listener),
    onClosed: (listener) => window.on('closed', listener),
    send: (event) => {
      if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, event)
    },
  }
}

async function start(): Promise<void> {
  hardenSession(session.defaultSession)
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID)

  const core = new DrydockService({
    transport: 'ipc',
    version: app.getVersion(),
    hostFromSettings: true,
    // The same file the CLI uses by default (see store/database-path.ts).
    databasePath: process.env.DRYDOCK_DB || join(app.getPath('userData'), 'drydock.sqlite'),
    // npm start builds better-sqlite3 for Electron's ABI beside node_modules' Node build.
    ...(overrides.sqliteBinding ? { sqliteBinding: overrides.sqliteBinding } : {}),
    // Automatic cleanup waits for mains power.
    onBattery: () => powerMonitor.isOnBatteryPower(),
  })
  // Settings changed from the window (through IPC) are applied here too.
  const service = observeSettings(core, (next) => {
    if (next.startAtLogin !== settings.startAtLogin) applyLoginItem(next.startAtLogin)
    settings = next
  })
  registerIpcHandlers(ipcMain, service, (frame) => isTrustedFrame(frame, rendererUrl))
  core.watchConnection()
  core.startSampling({ firstAfterMs: FIRST_SAMPLE_AFTER_START_MS })
  const client = createInProcessClient(service)

  settings = await client.getSettings()
  applyLoginItem(settings.startAtLogin)

  const stateFile = join(app.getPath('userData'), 'window-state.json')
  const windows = new MainWindowController((hash) => createMainWindow(service, hash, stateFile))
  const notification = electronNotificationFactory(join(resourcesDir, 'icon.png'))

  const store = new TrayStateStore(client)
  const oneClick = createOneClickCleanup({
    api: client,
    notify: (text) => notification(text).show(),
    onRunningChange: (running) => store.setCleanupRunning(running),
  })
  const alerts = createAlertNotifier({
    getMonitorState: () => client.getMonitorState(),
    createNotification: notification,
    openCleanupPreview: () => windows.show(CLEANUP_PREVIEW_HASH),
  })
  client.subscribe((event) => void alerts.handle(event).catch(() => undefined))
  // After each automatic cleanup: what it freed; a click opens the run in History.
  const automatic = createAutomationNotifier({
    createNotification: notification,
    openWindow: (hash) => windows.show(hash),
  })
  client.subscribe((event) => {
    try {
      automatic.handle(event)
    } catch {
      // A notification that cannot be shown must not stop the other listeners.
    }
  })

  const snooze = (until: Date | null) =>
    void client
      .snoozeAlerts({ until: until ? until.toISOString() : null })
      .then(() => store.refresh())
      .catch(() => undefined)
  const onAction = (id: TrayActionId): void => {
    switch (id) {
      case 'open':
        windows.show()
        return
      case 'clean-up':
        void oneClick.run()
        return
      case 'snooze-hour':
        return snooze(snoozeUntil('hour', new Date()))
      case 'snooze-tomorrow':
        return snooze(snoozeUntil('tomorrow', new Date()))
      case 'resume-alerts':
        return snooze(null)
      case 'quit':
        quitting = true
        app.quit()
        return
    }
  }

  let tray: { destroy(): void } | null = null
  try {
    tray = createTray({ resourcesDir, platform: process.platform, store, onAction })
    trayAvailable = true
  } catch (error) {
    // Without a tray Drydock behaves like an ordinary window: closing it quits.
    console.error(`Drydock has no tray icon here: ${String(error)}`)
  }
  void store.start().catch(() => undefined)

  const hidden = startsHidden({ argv: process.argv, settings, openedAtLogin: openedAtLogin() })
  if (!hidden || !trayAvailable) windows.show()

  // A second launch focuses this one, unless it is a login launch (--hidden) of a running app.
  app.on('second-instance', (_event, argv) => {
    if (!startsHidden({ argv, settings: { startHidden: false }, openedAtLogin: false })) {
      windows.show()
    }
  })
  app.on('activate', () => windows.show())
  app.on('before-quit', () => {
    quitting = true
    store.stop()
    alerts.stop()
    tray?.destroy()
    tray = null
    core.close()
  })
}

if (!app.requestSingleInstanceLock()) {
  // A second launch: the first instance gets 'second-instance' and shows its window.
  app.quit()
} else {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents))
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      console.error(`Drydock could not start: ${errorMessage(error)}`)
      app.quit()
    })

  app.on('window-all-closed', () => {
    // With the tray, Drydock stays running; quitting is the tray's Quit.
    if (!trayAvailable || !settings.closeToTray) app.quit()
  })
}
