/**
 * Method and event names of the contract, without the schemas: the preload needs only these,
 * and must not pull zod into the sandboxed preload bundle.
 */

export const METHOD_NAMES = [
  'getAppInfo',
  'getConnection',
  'reconnect',
  'listEngines',
  'switchEngine',
  'getEngineInfo',
  'getDiskUsage',
  'listImages',
  'getImageSharers',
  'listContainers',
  'listVolumes',
  'listBuildCache',
  'planCleanup',
  'runCleanup',
  'cancelCleanup',
  'listRuns',
  'getRun',
  'restoreImage',
  'getUsageSeries',
  'getLatestUsage',
  'getReclaimable',
  'getSettings',
  'getLogStatus',
  'acknowledgeLogRecovery',
  'updateSettings',
  'getAutomation',
  'getMonitorState',
  'snoozeAlerts',
] as const

export type MethodName = (typeof METHOD_NAMES)[number]

export const EVENT_NAMES = [
  'connection',
  'progress',
  'usage',
  'alert',
  'navigate',
  'monitor',
  'sizes',
  'automation',
] as const

export type EventName = (typeof EVENT_NAMES)[number]

/** One IPC channel per method, so `ipcMain.handle` registrations map 1:1 onto the contract. */
export function channelFor(method: MethodName): string {
  return `drydock:call:${method}`
}

/** All events reach the renderer on one channel as `{ name, payload }`. */
export const EVENT_CHANNEL = 'drydock:event'

export function isMethodName(value: unknown): value is MethodName {
  return typeof value === 'string' && (METHOD_NAMES as readonly string[]).includes(value)
}
