/**
 * The small decisions of the app's lifecycle, as plain functions: start with or without the
 * window, what closing the window does, and noticing settings changes that the shell applies
 * itself (start at login) whoever made them.
 */
import { METHOD_NAMES } from '../../shared/channels'
import type { DrydockHandlers, EventSource } from '../../shared/contract'
import type { Settings } from '../../shared/settings'
import { HIDDEN_FLAG } from './autostart'

export interface StartContext {
  argv: readonly string[]
  settings: Pick<Settings, 'startHidden'>
  /** macOS login items cannot pass arguments; Electron reports the login launch instead. */
  openedAtLogin: boolean
}

/** Start in the tray, without showing the window. */
export function startsHidden(context: StartContext): boolean {
  return context.argv.includes(HIDDEN_FLAG) || context.settings.startHidden || context.openedAtLogin
}

export interface CloseContext {
  /** Quit was chosen (tray, app menu, OS shutdown): the window really closes. */
  quitting: boolean
  closeToTray: boolean
  /** Without a tray icon a hidden window could never be reached again. */
  trayAvailable: boolean
}

export function closeAction(context: CloseContext): 'hide' | 'close' {
  return !context.quitting && context.closeToTray && context.trayAvailable ? 'hide' : 'close'
}

/**
 * The service as the transports see it, except that every successful `updateSettings` is
 * also reported to `onSettings` (the renderer's Settings page changes settings through IPC,
 * and the shell must then apply start at login and close-to-tray).
 */
export function observeSettings<T extends DrydockHandlers & EventSource>(
  service: T,
  onSettings: (settings: Settings) => void,
): DrydockHandlers & EventSource {
  const wrapped: Record<string, unknown> = {
    subscribe: service.subscribe.bind(service),
  }
  for (const method of METHOD_NAMES) {
    wrapped[method] = (service[method] as (request: unknown) => Promise<unknown>).bind(service)
  }
  wrapped.updateSettings = async (patch: Parameters<DrydockHandlers['updateSettings']>[0]) => {
    const settings = await service.updateSettings(patch)
    onSettings(settings)
    return settings
  }
  // The loop above fills every method of the contract, so the shape is DrydockHandlers.
  return wrapped as unknown as DrydockHandlers & EventSource
}
