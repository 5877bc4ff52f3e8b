/**
 * The tray menu, icon and tooltip as plain data, for each state the tray can be in. The
 * Electron adapter (tray.ts) is checked only for the template it builds from this model.
 */
import { describe, expect, it } from 'vitest'
import type { ConnectionState, EngineInfo } from '../../src/shared/contract'
import type { Alert, MonitorState } from '../../src/shared/monitor'
import type { DiskUsage, Reclaimable } from '../../src/shared/usage'
import type { MenuItemConstructorOptions } from 'electron'
import {
  startTray,
  toMenuTemplate,
  trayIconFile,
  type TrayLike,
  type TrayStateSource,
} from '../../src/main/shell/tray-controller'
import {
  snoozeUntil,
  trayIconVariant,
  trayMenuModel,
  trayTooltip,
  type TrayActionId,
  type TrayMenuItem,
  type TrayState,
} from '../../src/main/shell/tray-model'

const GB = 1_000_000_000
const now = new Date('2025-03-10T12:00:00Z')

const engine: EngineInfo = {
  host: 'unix:///var/run/docker.sock',
  hostSource: 'default',
  id: 'ENGINE-ID',
  name: 'test',
  version: '27.0.0',
  apiVersion: '1.46',
  os: 'Debian',
  osType: 'linux',
  arch: 'x86_64',
  kernelVersion: '6.1',
  storageDriver: 'overlay2',
  imageStore: 'graphdriver',
  engineKind: 'docker',
  dataRoot: '/var/lib/docker',
  cpus: 4,
  memoryBytes: 8 * GB,
  images: 10,
  containers: 2,
  containersRunning: 1,
}

const connected: ConnectionState = {
  status: 'connected',
  host: engine.host,
  since: now.toISOString(),
  engine,
}

const usage: DiskUsage = {
  at: now.toISOString(),
  imagesBytes: 9.3 * GB,
  imageCount: 10,
  containersBytes: 0.5 * GB,
  containerCount: 2,
  volumesBytes: 2 * GB,
  volumeCount: 1,
  unusedVolumeCount: 0,
  buildCacheBytes: 0.5 * GB,
  freeBytes: 8 * GB,
  totalBytes: 100 * GB,
  freeSource: 'host-statfs',
  engineLocation: 'local',
  hostDisk: null,
  vmDisk: null,
}

const reclaimable: Reclaimable = {
  at: now.toISOString(),
  imagesBytes: 5 * GB,
  containersBytes: 0,
  volumesBytes: 0,
  buildCacheBytes: 0.5 * GB,
  defaultPolicyBytes: 4.1 * GB,
}

const alert: Alert = {
  id: 'alert-1',
  kind: 'free-space',
  level: 'warning',
  message: 'Disk almost full: 2.1 GB free. Drydock can free 4.1 GB.',
  raisedAt: now.toISOString(),
  clearedAt: null,
  engineHost: engine.host,
  freeBytes: 2.1 * GB,
  totalBytes: 100 * GB,
  dockerBytes: 12.3 * GB,
  reclaimableBytes: 4.1 * GB,
}

const quiet: MonitorState = { active: [], snoozedUntil: null, lastCheckAt: now.toISOString() }

function state(patch: Partial<TrayState> = {}): TrayState {
  return {
    connection: connected,
    usage,
    reclaimable,
    monitor: quiet,
    cleanupRunning: false,
    now,
    ...patch,
  }
}

/** The menu flattened to one line per item, easy to compare as a whole. */
function render(items: TrayMenuItem[], indent = ''): string[] {
  return items.flatMap((item) => {
    switch (item.kind) {
      case 'separator':
        return [`${indent}---`]
      case 'status':
        return [`${indent}(${item.label})`]
      case 'action':
        return [`${indent}${item.label} [${item.id}${item.enabled ? '' : ', disabled'}]`]
      case 'submenu':
        return [`${indent}${item.label} >`, ...render(item.items, `${indent}  `)]
    }
  })
}

describe('tray menu model', () => {
  it('no alert: usage, what one click frees, pause alerts', () => {
    expect(render(trayMenuModel(state()))).toEqual([
      'Open Drydock [open]',
      '---',
      '(Docker 12.3 GB — 4.10 GB reclaimable)',
      '(Disk free 8.00 GB)',
      '---',
      'Clean up safely — frees about 4.10 GB [clean-up]',
      'Pause alerts >',
      '  For 1 hour [snooze-hour]',
      '  Until tomorrow [snooze-tomorrow]',
      '---',
      'Quit [quit]',
    ])
    expect(trayIconVariant(state())).toBe('normal')
  })

  it('engine down: says so, shows no stale figures, cleanup disabled', () => {
    const down = state({
      connection: {
        status: 'unreachable',
        host: engine.host,
        since: now.toISOString(),
        code: 'engine-unreachable',
        reason: 'Cannot reach the Docker engine.',
      },
      reclaimable: null,
    })
    expect(render(trayMenuModel(down))).toEqual([
      'Open Drydock [open]',
      '---',
      '(Docker engine not reachable)',
      '---',
      'Clean up safely [clean-up, disabled]',
      'Pause alerts >',
      '  For 1 hour [snooze-hour]',
      '  Until tomorrow [snooze-tomorrow]',
      '---',
      'Quit [quit]',
    ])
    expect(trayTooltip(down)).toBe('Drydock\nDocker engine not reachable')
  })

  it('alert active: the alert line, the alert icon, the message in the tooltip', () => {
    const alerting = state({ monitor: { ...quiet, active: [alert] } })
    const lines = render(trayMenuModel(alerting))
    expect(lines.slice(2, 5)).toEqual([
      '(Docker 12.3 GB — 4.10 GB reclaimable)',
      '(Disk free 8.00 GB)',
      '(⚠ Disk almost full: 2.1 GB free. Drydock can free 4.1 GB.)',
    ])
    expect(lines).toContain('Clean up safely — frees about 4.10 GB [clean-up]')
    expect(trayIconVariant(alerting)).toBe('alert')
    expect(trayTooltip(alerting)).toBe(
      'Drydock\nDocker 12.3 GB — 4.10 GB reclaimable\nDisk free 8.00 GB\n' + alert.message,
    )
  })

  it('cleanup running: the cleanup item is disabled and says so', () => {
    const running = state({ cleanupRunning: true })
    expect(render(trayMenuModel(running))).toContain('Cleaning up… [clean-up, disabled]')
    expect(trayTooltip(running)).toMatch(/Cleaning up…$/)
  })

  it('snoozed with an alert: "Resume alerts" instead of the pause submenu, alert icon kept', () => {
    const snoozed = state({
      monitor: { ...quiet, active: [alert], snoozedUntil: '2025-03-10T13:00:00Z' },
    })
    const lines = render(trayMenuModel(snoozed))
    expect(lines).toContain('Resume alerts [resume-alerts]')
    expect(lines).not.toContain('Pause alerts >')
    expect(trayIconVariant(snoozed)).toBe('alert')
  })

  it('a snooze that has ended offers pausing again', () => {
    const ended = state({ monitor: { ...quiet, snoozedUntil: '2025-03-10T11:59:00Z' } })
    expect(render(trayMenuModel(ended))).toContain('Pause alerts >')
  })

  it('nothing to reclaim: the cleanup item is disabled', () => {
    const clean = state({ reclaimable: { ...reclaimable, defaultPolicyBytes: 0 } })
    expect(render(trayMenuModel(clean))).toContain(
      'Clean up safely — nothing to free [clean-up, disabled]',
    )
  })

  it('usage not read yet, and a remote engine (no free space known)', () => {
    expect(render(trayMenuModel(state({ usage: null, reclaimable: null })))).toContain(
      '(Docker: reading usage…)',
    )
    const remote = render(trayMenuModel(state({ usage: { ...usage, freeBytes: null } })))
    expect(remote.some((line) => line.startsWith('(Disk free'))).toBe(false)
  })

  it('keeps the tooltip within the 127 characters Windows shows', () => {
    const long = { ...alert, message: 'x'.repeat(300) }
    expect(trayTooltip(state({ monitor: { ...quiet, active: [long] } })).length).toBe(127)
  })
})

describe('snooze end', () => {
  it('an hour from now, or 08:00 local time tomorrow', () => {
    const local = new Date(2025, 2, 10, 23, 30)
    expect(snoozeUntil('hour', local).getTime() - local.getTime()).toBe(3_600_000)
    const tomorrow = snoozeUntil('tomorrow', local)
    expect([tomorrow.getDate(), tomorrow.getHours(), tomorrow.getMinutes()]).toEqual([11, 8, 0])
  })
})

describe("tray adapter (stand-in for Electron's Tray: the template it would be given)", () => {
  it('turns the model into a menu template whose clicks report the action id', () => {
    const clicked: TrayActionId[] = []
    const template = toMenuTemplate(trayMenuModel(state()), (id) => clicked.push(id))
    expect(template[0]).toMatchObject({ label: 'Open Drydock', enabled: true })
    expect(template[1]).toEqual({ type: 'separator' })
    expect(template[2]).toEqual({ label: 'Docker 12.3 GB — 4.10 GB reclaimable', enabled: false })
    const pause = template.find((item) => item.label === 'Pause alerts')
    const submenu = pause?.submenu as { label?: string; click?: () => void }[]
    submenu.find((item) => item.label === 'Until tomorrow')?.click?.()
    template.find((item) => item.label === 'Quit')?.click?.({} as never, undefined, {} as never)
    expect(clicked).toEqual(['snooze-tomorrow', 'quit'])
  })

  it('picks a template image on macOS, an ICO on Windows, a PNG elsewhere', () => {
    expect(trayIconFile('normal', 'darwin')).toBe('trayTemplate.png')
    expect(trayIconFile('alert', 'darwin')).toBe('trayAlertTemplate.png')
    expect(trayIconFile('alert', 'win32')).toBe('tray-alert.ico')
    expect(trayIconFile('normal', 'linux')).toBe('tray.png')
  })
})

/** Records what the controller asks of Electron's Tray. */
class StandInTray implements TrayLike {
  readonly images: string[] = []
  readonly tooltips: string[] = []
  menus: MenuItemConstructorOptions[][] = []
  clickListener: (() => void) | null = null
  destroyed = false
  constructor(iconPath: string) {
    this.images.push(iconPath)
  }
  setImage(iconPath: string): void {
    this.images.push(iconPath)
  }
  setToolTip(text: string): void {
    this.tooltips.push(text)
  }
  setContextMenu(template: MenuItemConstructorOptions[]): void {
    this.menus.push(template)
  }
  onClick(listener: () => void): void {
    this.clickListener = listener
  }
  destroy(): void {
    this.destroyed = true
  }
}

class StateSource implements TrayStateSource {
  private listeners = new Set<(state: TrayState) => void>()
  constructor(public state: TrayState) {}
  onChange(listener: (state: TrayState) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
  set(patch: Partial<TrayState>): void {
    this.state = { ...this.state, ...patch }
    for (const listener of this.listeners) listener(this.state)
  }
}

describe("tray controller (stand-in for Electron's Tray)", () => {
  function setup(platform: NodeJS.Platform) {
    const source = new StateSource(state())
    const actions: TrayActionId[] = []
    let tray: StandInTray | null = null
    const controller = startTray({
      resourcesDir: '/app/resources',
      platform,
      store: source,
      onAction: (id) => actions.push(id),
      createTray: (iconPath) => (tray = new StandInTray(iconPath)),
    })
    return { source, actions, tray: tray! as StandInTray, controller }
  }

  it('rebuilds menu and tooltip on every change and swaps the icon when an alert comes and goes', () => {
    const { source, tray } = setup('linux')
    expect(tray.images).toEqual(['/app/resources/tray.png'])
    expect(tray.menus).toHaveLength(1)
    source.set({ monitor: { ...quiet, active: [alert] } })
    expect(tray.images.at(-1)).toBe('/app/resources/tray-alert.png')
    expect(tray.tooltips.at(-1)).toContain(alert.message)
    expect(tray.menus.at(-1)?.map((item) => item.label)).toContain(`⚠ ${alert.message}`)
    source.set({ cleanupRunning: true })
    expect(tray.images).toHaveLength(2) // unchanged variant: no new image
    expect(tray.menus.at(-1)?.find((item) => item.label === 'Cleaning up…')?.enabled).toBe(false)
    source.set({ monitor: quiet, cleanupRunning: false })
    expect(tray.images.at(-1)).toBe('/app/resources/tray.png')
    expect(tray.menus).toHaveLength(4)
  })

  it('menu clicks reach the action handler; a left click opens the window (not on macOS)', () => {
    const linux = setup('linux')
    linux.tray.menus
      .at(-1)
      ?.find((item) => item.label?.startsWith('Clean up safely'))
      ?.click?.({} as never, undefined, {} as never)
    linux.tray.clickListener?.()
    expect(linux.actions).toEqual(['clean-up', 'open'])
    const mac = setup('darwin')
    expect(mac.tray.images).toEqual(['/app/resources/trayTemplate.png'])
    expect(mac.tray.clickListener).toBeNull()
  })

  it('stops following the state once destroyed', () => {
    const { source, tray, controller } = setup('win32')
    controller.destroy()
    source.set({ cleanupRunning: true })
    expect(tray.destroyed).toBe(true)
    expect(tray.menus).toHaveLength(1)
  })
})
