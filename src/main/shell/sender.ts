/**
 * Which frames may call the IPC API: only the top-level frame of Drydock's own renderer page.
 * A frame is checked on every call (GitHub Desktop and Electron's security checklist do the same):
 * an iframe or a page navigated elsewhere must not reach the engine.
 */

export interface FrameLike {
  url: string
  /** Null for a top-level frame. */
  parent: unknown
}

/** `rendererUrl` is the file:// URL of out/renderer/index.html, or the dev server's URL. */
export function isTrustedFrame(frame: FrameLike | null | undefined, rendererUrl: string): boolean {
  if (!frame || frame.parent !== null) return false
  let actual: URL
  let expected: URL
  try {
    actual = new URL(frame.url)
    expected = new URL(rendererUrl)
  } catch {
    return false
  }
  if (expected.protocol === 'file:') {
    return actual.protocol === 'file:' && actual.pathname === expected.pathname
  }
  return actual.origin === expected.origin
}
