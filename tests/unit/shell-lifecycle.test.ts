/**
 * Lifecycle decisions as plain functions: start at login (the XDG autostart file, in a temp
 * dir), start hidden, what closing the window does, window bounds clamped to the displays, and
 * settings changes reaching the shell whoever made them.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS, type Settings } from '../../src/shared/settings'
import { DrydockService } from '../../src/core/service'
import { createInProcessClient } from '../../src/core/in-process-client'
import {
  applyXdgAutostart,
  autostartDir,
  desktopEntry,
  loginCommand,
} from '../../src/main/shell/autostart'
import { closeAction, observeSettings, startsHidden } from '../../src/main/shell/lifecycle'
import {
  placeWindow,
  readWindowState,
  writeWindowState,
  type Rect,
} from '../../src/main/shell/window-state'
import { tempDir } from '../support/temp-dir'

describe('XDG autostart entry', () => {
  it('lives in $XDG_CONFIG_HOME/autostart, else ~/.config/autostart', () => {
    expect(autostartDir({ XDG_CONFIG_HOME: '/cfg' }, '/home/ann')).toBe('/cfg/autostart')
    expect(autostartDir({}, '/home/ann')).toBe('/home/ann/.config/autostart')
    // The spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
    expect(autostartDir({ XDG_CONFIG_HOME: 'cfg' }, '/home/ann')).toBe(
      '/home/ann/.config/autostart',
    )
  })

  it('is written when enabled, left alone when unchanged, removed when disabled', () => {
    const home = tempDir()
    const config = join(home, 'xdg')
    const request = {
      command: ['/opt/Drydock/drydock', '--hidden'],
      env: { XDG_CONFIG_HOME: config },
      homeDir: home,
    }
    const path = join(config, 'autostart', 'drydock.desktop')
    expect(applyXdgAutostart({ ...request, enabled: true })).toEqual({ path, change: 'written' })
    const text = readFileSync(path, 'utf8')
    expect(text).toContain('[Desktop Entry]\nType=Application\nName=Drydock\n')
    expect(text).toContain('\nExec=/opt/Drydock/drydock --hidden\n')
    expect(statSync(path).mode & 0o777).toBe(0o644)
    expect(applyXdgAutostart({ ...request, enabled: true }).change).toBe('unchanged')
    expect(applyXdgAutostart({ ...request, enabled: false })).toEqual({ path, change: 'removed' })
    expect(existsSync(path)).toBe(false)
    expect(applyXdgAutostart({ ...request, enabled: false }).change).toBe('unchanged')
  })

  it('rewrites an entry that points elsewhere (the app moved)', () => {
    const home = tempDir()
    const dir = join(home, '.config', 'autostart')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'drydock.desktop'), '[Desktop Entry]\nExec=/old/drydock\n')
    const result = applyXdgAutostart({
      enabled: true,
      command: ['/new/drydock', '--hidden'],
      env: {},
      homeDir: home,
    })
    expect(result.change).toBe('written')
    expect(readFileSync(result.path, 'utf8')).toContain('Exec=/new/drydock --hidden')
  })

  it('quotes Exec arguments as the Desktop Entry spec requires', () => {
    const entry = desktopEntry(['/home/ann/My Apps/Drydock.AppImage', '--hidden', '100%'])
    expect(entry).toContain('Exec="/home/ann/My Apps/Drydock.AppImage" --hidden 100%%\n')
    expect(desktopEntry(['/opt/a$b/drydock'])).toContain('Exec="/opt/a\\\\$b/drydock"\n')
  })

  it('starts the AppImage file, or electron with the app dir in development', () => {
    const base = { execPath: '/tmp/.mount_x/drydock', appPath: null, appImage: undefined }
    expect(loginCommand(base)).toEqual(['/tmp/.mount_x/drydock', '--hidden'])
    expect(loginCommand({ ...base, appImage: '/home/ann/Drydock.AppImage' })).toEqual([
      '/home/ann/Drydock.AppImage',
      '--hidden',
    ])
    expect(loginCommand({ ...base, execPath: '/e/electron', appPath: '/src/drydock' })).toEqual([
      '/e/electron',
      '/src/drydock',
      '--hidden',
    ])
  })
})

describe('start hidden and close to tray', () => {
  it('starts in the tray for --hidden, the setting, or a macOS login launch', () => {
    const shown = { argv: ['drydock'], settings: { startHidden: false }, openedAtLogin: false }
    expect(startsHidden(shown)).toBe(false)
    expect(startsHidden({ ...shown, argv: ['drydock', '--hidden'] })).toBe(true)
    expect(startsHidden({ ...shown, settings: { startHidden: true } })).toBe(true)
    expect(startsHidden({ ...shown, openedAtLogin: true })).toBe(true)
  })

  it('hides on close when closeToTray, but really closes when quitting or without a tray', () => {
    const base = { quitting: false, closeToTray: true, trayAvailable: true }
    expect(closeAction(base)).toBe('hide')
    expect(closeAction({ ...base, quitting: true })).toBe('close')
    expect(closeAction({ ...base, closeToTray: false })).toBe('close')
    expect(closeAction({ ...base, trayAvailable: false })).toBe('close')
  })
})

describe('window bounds', () => {
  const limits = { width: 1180, height: 780, minWidth: 860, minHeight: 560 }
  const laptop: Rect = { x: 0, y: 0, width: 1440, height: 875 }
  const monitor: Rect = { x: 1440, y: -200, width: 2560, height: 1415 }

  it('opens at the default size, centred by the OS, when nothing was saved', () => {
    expect(placeWindow(null, [laptop], limits)).toEqual({
      bounds: { width: 1180, height: 780 },
      maximized: false,
    })
  })

  it('keeps saved bounds that fit on a display', () => {
    const bounds = { x: 1600, y: 0, width: 1400, height: 900 }
    expect(placeWindow({ bounds, maximized: true }, [laptop, monitor], limits)).toEqual({
      bounds,
      maximized: true,
    })
  })

  it('moves a window whose display was unplugged onto the primary display, centred', () => {
    const bounds = { x: 1600, y: 0, width: 1400, height: 900 }
    expect(placeWindow({ bounds, maximized: false }, [laptop], limits).bounds).toEqual({
      x: 20,
      y: 0,
      width: 1400,
      height: 875,
    })
  })

  it('pulls a window hanging off an edge back inside its display', () => {
    const bounds = { x: 1000, y: 600, width: 1000, height: 700 }
    expect(placeWindow({ bounds, maximized: false }, [laptop], limits).bounds).toEqual({
      x: 440,
      y: 175,
      width: 1000,
      height: 700,
    })
  })

  it('never goes below the minimum size (unless the display is smaller)', () => {
    const bounds = { x: 10, y: 10, width: 200, height: 100 }
    const small: Rect = { x: 0, y: 0, width: 800, height: 600 }
    expect(placeWindow({ bounds, maximized: false }, [laptop], limits).bounds).toEqual({
      x: 10,
      y: 10,
      width: 860,
      height: 560,
    })
    expect(placeWindow({ bounds, maximized: false }, [small], limits).bounds).toEqual({
      x: 0,
      y: 10,
      width: 800,
      height: 560,
    })
  })

  it('is saved as JSON and read back; an unreadable file means defaults', () => {
    const dir = tempDir()
    const file = join(dir, 'window-state.json')
    expect(readWindowState(file)).toBeNull()
    const state = { bounds: { x: 5, y: 6, width: 1000, height: 700 }, maximized: false }
    writeWindowState(file, state)
    expect(readWindowState(file)).toEqual(state)
    writeFileSync(file, '{"bounds": {"x": "left"}}')
    expect(readWindowState(file)).toBeNull()
    writeFileSync(file, 'not json')
    expect(readWindowState(file)).toBeNull()
  })
})

describe('settings observed by the shell', () => {
  it('reports every successful updateSettings, whichever transport made it', async () => {
    const dir = tempDir()
    const service = new DrydockService({
      transport: 'ipc',
      version: '0.0.0',
      env: {},
      databasePath: join(dir, 'drydock.sqlite'),
    })
    try {
      const seen: Settings[] = []
      const client = createInProcessClient(observeSettings(service, (next) => seen.push(next)))
      const next = await client.updateSettings({ startAtLogin: true })
      expect(next.startAtLogin).toBe(true)
      expect(seen).toEqual([next])
      await expect(client.updateSettings({ closeToTray: 'yes' } as never)).rejects.toMatchObject({
        code: 'invalid-request',
      })
      expect(seen).toHaveLength(1)
      await expect(client.getSettings()).resolves.toEqual({
        ...DEFAULT_SETTINGS,
        startAtLogin: true,
      })
    } finally {
      service.close()
    }
  })
})
