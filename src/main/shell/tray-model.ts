/**
 * What the tray shows, as plain data: the menu, the icon variant and the tooltip are pure
 * functions of the state, so every case (engine down, an alert, a cleanup running, alerts paused)
 * is unit-tested without Electron. tray.ts only turns this description into Electron's Menu.
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

/** "Docker 12.3 GB — 4.1 GB reclaimable" and "Disk free 8.0 GB", as far as they are known. */
function usageLines(state: TrayState): string[] {
  const down = engineLine(state.connection)
  if (down) return [down]
  if (!state.usage) return ['Docker: reading usage…']
  const docker = `Docker ${formatBytes(dockerBytes(state.usage))}`
  const lines = [
    state.reclaimable
      ? `${docker} — ${formatBytes(state.reclaimable.defaultPolicyBytes)} reclaimable`
      : docker,
  ]
  if (state.usage.freeBytes !== null) lines.push(`Disk free ${formatBytes(state.usage.freeBytes)}`)
  return lines
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
  const alerts: TrayMenuItem[] = state.monitor.active.map((alert) => ({
    kind: 'status',
    label: `⚠ ${alert.message}`,
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
  else if (state.monitor.active.length > 0) lines.push(state.monitor.active[0]!.message)
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
