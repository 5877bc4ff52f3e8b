/**
 * What the tray shows, as plain data: the menu, the icon variant and the tooltip are pure
 * functions of the state, so every case (engine down, an alert, a cleanup running, alerts paused,
 * several engines followed: the tightest disk first) is unit-tested without Electron. tray.ts
 * only turns this description into Electron's Menu.
 */
import type { ConnectionState } from '../../shared/contract'
import { formatBytes } from '../../shared/format'
import type { MonitorState } from '../../shared/monitor'
import type { DiskUsage, Reclaimable } from '../../shared/usage'

export interface TrayState {
  connection: ConnectionState
  /** The last disk usage read; null until the first one (or when the engine never answered). */
  usage: DiskUsage | null
  /** What cleanup could free now; null while unknown. */
  reclaimable: Reclaimable | null
  monitor: MonitorState
  /** A one-click cleanup started from the tray is in progress. */
  cleanupRunning: boolean
  /** Decides whether a snooze is still in force. */
  now: Date
  /** The followed engines' latest free space (their samples), besides the shown engine's. */
  otherDisks?: EngineDisk[]
}

/** One engine's disk as its latest sample measured it. */
export interface EngineDisk {
  host: string
  freeBytes: number | null
  totalBytes: number | null
}

export const TRAY_ACTIONS = [
  'open',
  'clean-up',
  'snooze-hour',
  'snooze-tomorrow',
  'resume-alerts',
  'quit',
] as const

export type TrayActionId = (typeof TRAY_ACTIONS)[number]

export type TrayMenuItem =
  | { kind: 'action'; id: TrayActionId; label: string; enabled: boolean }
  /** A line of information: shown greyed out, does nothing. */
  | { kind: 'status'; label: string }
  | { kind: 'submenu'; label: string; enabled: boolean; items: TrayMenuItem[] }
  | { kind: 'separator' }

export type TrayIconVariant = 'normal' | 'alert'

const separator: TrayMenuItem = { kind: 'separator' }

/** Docker's own bytes: images, containers' writable layers, volumes and build cache. */
export function dockerBytes(usage: DiskUsage): number {
  return usage.imagesBytes + usage.containersBytes + usage.volumesBytes + usage.buildCacheBytes
}

export function isSnoozed(monitor: MonitorState, now: Date): boolean {
  return monitor.snoozedUntil !== null && Date.parse(monitor.snoozedUntil) > now.getTime()
}

/** The alert icon stays while an alert is active, even when its notifications are paused. */
export function trayIconVariant(state: TrayState): TrayIconVariant {
  return state.monitor.active.length > 0 ? 'alert' : 'normal'
}

function engineLine(connection: ConnectionState): string | null {
  switch (connection.status) {
    case 'connecting':
      return 'Connecting to Docker…'
    case 'unreachable':
      return 'Docker engine not reachable'
    case 'connected':
      return null
  }
}

/**
 * The tightest disk first: least free space first, unknown last, ties in their order. For the
 * disk lines and the alerts, when several engines are followed.
 */
export function tightestFirst<T extends { freeBytes: number | null }>(items: readonly T[]): T[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => {
      const x = a.item.freeBytes ?? Number.POSITIVE_INFINITY
      const y = b.item.freeBytes ?? Number.POSITIVE_INFINITY
      return x === y ? a.index - b.index : x - y
    })
    .map(({ item }) => item)
}

/** A short name for an engine in a menu line: a socket's directory, a remote host's name. */
export function engineLabel(host: string): string {
  const match = /^([a-z]+):\/\/(.*)$/i.exec(host)
  if (!match) return host
  const [, scheme, rest] = match as unknown as [string, string, string]
  if (scheme === 'unix' || scheme === 'npipe') {
    if (/^\/(var\/)?run\/docker\.sock$/.test(rest) || /docker_engine$/i.test(rest)) return 'local'
    const parts = rest.split(/[/\\]/).filter(Boolean)
    return (parts.length >= 2 ? parts[parts.length - 2]! : (parts[0] ?? host)).replace(/^\./, '')
  }
  return rest.replace(/^[^@]*@/, '').replace(/[/].*$/, '') || host
}

/** "Disk free 8.0 GB"; with followed engines, one line per engine, the tightest first. */
function diskLines(state: TrayState): string[] {
  const shown = state.connection.host
  const others = (state.otherDisks ?? []).filter((disk) => disk.host !== shown)
  const mine =
    state.connection.status === 'connected' && state.usage
      ? [{ host: shown, freeBytes: state.usage.freeBytes, totalBytes: state.usage.totalBytes }]
      : []
  const disks = [...mine, ...others].filter((disk) => disk.freeBytes !== null)
  if (others.length === 0) return disks.map((disk) => `Disk free ${formatBytes(disk.freeBytes!)}`)
  return tightestFirst(disks).map(
    (disk) =>
      `Disk free ${formatBytes(disk.freeBytes!)} — ${engineLabel(disk.host)}${disk.host === shown ? ' (shown)' : ''}`,
  )
}

/** "Docker 12.3 GB — 4.1 GB reclaimable" and the disks' free space, as far as they are known. */
function usageLines(state: TrayState): string[] {
  const down = engineLine(state.connection)
  // The followed engines' disks still matter while the shown one is down.
  if (down) return [down, ...diskLines(state)]
  if (!state.usage) return ['Docker: reading usage…', ...diskLines(state)]
  const docker = `Docker ${formatBytes(dockerBytes(state.usage))}`
  return [
    state.reclaimable
      ? `${docker} — ${formatBytes(state.reclaimable.defaultPolicyBytes)} reclaimable`
      : docker,
    ...diskLines(state),
  ]
}

/** The active alerts, the tightest disk first; another engine's alert names its engine. */
function alertLines(state: TrayState): string[] {
  return tightestFirst(state.monitor.active).map((alert) =>
    alert.engineHost !== state.connection.host
      ? `${engineLabel(alert.engineHost)}: ${alert.message}`
      : alert.message,
  )
}

function cleanupItem(state: TrayState): TrayMenuItem {
  const id = 'clean-up'
  if (state.cleanupRunning) return { kind: 'action', id, label: 'Cleaning up…', enabled: false }
  const connected = state.connection.status === 'connected'
  if (!state.reclaimable)
    return { kind: 'action', id, label: 'Clean up safely', enabled: connected }
  const bytes = state.reclaimable.defaultPolicyBytes
  if (bytes === 0) {
    return { kind: 'action', id, label: 'Clean up safely — nothing to free', enabled: false }
  }
  return {
    kind: 'action',
    id,
    label: `Clean up safely — frees about ${formatBytes(bytes)}`,
    enabled: connected,
  }
}

function alertsItem(state: TrayState): TrayMenuItem {
  if (isSnoozed(state.monitor, state.now)) {
    return { kind: 'action', id: 'resume-alerts', label: 'Resume alerts', enabled: true }
  }
  return {
    kind: 'submenu',
    label: 'Pause alerts',
    enabled: true,
    items: [
      { kind: 'action', id: 'snooze-hour', label: 'For 1 hour', enabled: true },
      { kind: 'action', id: 'snooze-tomorrow', label: 'Until tomorrow', enabled: true },
    ],
  }
}

export function trayMenuModel(state: TrayState): TrayMenuItem[] {
  const alerts: TrayMenuItem[] = alertLines(state).map((line) => ({
    kind: 'status',
    label: `⚠ ${line}`,
  }))
  return [
    { kind: 'action', id: 'open', label: 'Open Drydock', enabled: true },
    separator,
    ...usageLines(state).map((label): TrayMenuItem => ({ kind: 'status', label })),
    ...alerts,
    separator,
    cleanupItem(state),
    alertsItem(state),
    separator,
    { kind: 'action', id: 'quit', label: 'Quit', enabled: true },
  ]
}

/** One or two short lines; Windows cuts tray tooltips at 127 characters. */
export function trayTooltip(state: TrayState): string {
  const lines = ['Drydock', ...usageLines(state)]
  if (state.cleanupRunning) lines.push('Cleaning up…')
  else if (state.monitor.active.length > 0) lines.push(alertLines(state)[0]!)
  const text = lines.join('\n')
  return text.length > 127 ? `${text.slice(0, 126)}…` : text
}

/** Where "Pause alerts" ends: in an hour, or at 08:00 local time the next day. */
export function snoozeUntil(choice: 'hour' | 'tomorrow', now: Date): Date {
  if (choice === 'hour') return new Date(now.getTime() + 3_600_000)
  const tomorrow = new Date(now)
  tomorrow.setDate(tomorrow.getDate() + 1)
  tomorrow.setHours(8, 0, 0, 0)
  return tomorrow
}
