/**
 * What the development environment may change about what the app loads. `electron-vite dev`
 * serves the renderer from its dev server (ELECTRON_RENDERER_URL) and `npm start` points at a
 * better-sqlite3 built for Electron (DRYDOCK_SQLITE_BINDING). A packaged app ignores both: an
 * environment variable must not make an installed Drydock load its pages from another origin or
 * native code from another file. DRYDOCK_DB (where the log is) stays: it is the CLI's setting too
 * and changes only which data the app shows, not what code runs.
 */

export interface LaunchOverrides {
  /** The renderer's dev server URL; null: the built page (out/renderer/index.html). */
  rendererUrl: string | null
  /** A better_sqlite3.node to load instead of the packaged one. */
  sqliteBinding: string | null
}

/** The dev server runs on this machine; anything else is not a development setup. */
function devServerUrl(value: string | undefined): string | null {
  if (!value) return null
  try {
    const url = new URL(value)
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
    return (url.protocol === 'http:' || url.protocol === 'https:') && loopback ? value : null
  } catch {
    return null
  }
}

export function launchOverrides(
  env: Record<string, string | undefined>,
  isPackaged: boolean,
): LaunchOverrides {
  if (isPackaged) return { rendererUrl: null, sqliteBinding: null }
  return {
    rendererUrl: devServerUrl(env.ELECTRON_RENDERER_URL),
    sqliteBinding: env.DRYDOCK_SQLITE_BINDING || null,
  }
}
