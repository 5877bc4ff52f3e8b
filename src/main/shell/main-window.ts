/**
 * The one main window: created on first need (a tray start creates none until it is opened),
 * shown and focused on request, told which page to show through the contract's `navigate`
 * event. Electron-free: index.ts passes a factory that makes the BrowserWindow.
 */
import type { DrydockEvent } from '../../shared/contract'

/** What the controller needs of a BrowserWindow (and its webContents). */
export interface WindowLike {
  isDestroyed(): boolean
  isMinimized(): boolean
  restore(): void
  show(): void
  focus(): void
  /** The renderer page is still loading (its listeners may not be subscribed yet). */
  isLoading(): boolean
  onceLoaded(listener: () => void): void
  onClosed(listener: () => void): void
  send(event: DrydockEvent): void
}

/** `hash` is the page a new window opens on (`#/cleanup?...`), null for the start page. */
export type WindowFactory = (hash: string | null) => WindowLike

export class MainWindowController {
  private window: WindowLike | null = null

  constructor(private readonly create: WindowFactory) {}

  get current(): WindowLike | null {
    return this.window && !this.window.isDestroyed() ? this.window : null
  }

  /** Shows and focuses the window, creating it if needed; with `hash`, on that page. */
  show(hash?: string): WindowLike {
    let window = this.current
    if (!window) {
      // A new window loads its page with the hash, so nothing depends on an event's timing.
      window = this.create(hash ?? null)
      const created = window
      created.onClosed(() => {
        if (this.window === created) this.window = null
      })
      this.window = created
    } else if (hash) {
      this.navigate(window, hash)
    }
    if (window.isMinimized()) window.restore()
    window.show()
    window.focus()
    return window
  }

  private navigate(window: WindowLike, hash: string): void {
    const send = () => window.send({ name: 'navigate', payload: { hash } })
    if (window.isLoading()) window.onceLoaded(send)
    else send()
  }
}
