/** Human wording for the contract's machine values. */
import type { AppInfo, EngineInfo } from '../../shared/contract'

export function describeHost(host: string): string {
  return host === '' ? 'no host configured' : host
}

/** `hostSource` values come from host resolution: option, DOCKER_HOST, context:<name>, default. */
export function describeHostSource(source: string): string {
  if (source === 'option') return 'The --host option (or the app’s host setting)'
  if (source === 'DOCKER_HOST') return 'The DOCKER_HOST environment variable'
  if (source === 'default') return 'The default local socket (no DOCKER_HOST or context set)'
  if (source.startsWith('context:'))
    return `The Docker context “${source.slice('context:'.length)}”`
  return source
}

export function describeTransport(transport: AppInfo['transport']): string {
  switch (transport) {
    case 'ipc':
      return 'Desktop app (Electron IPC)'
    case 'http':
      return 'Browser mode (HTTP on 127.0.0.1)'
    case 'in-process':
      return 'In-process (command line)'
  }
}

export function describeImageStore(store: EngineInfo['imageStore']): string {
  return store === 'containerd' ? 'containerd snapshotter' : 'Graph driver'
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString()} ${count === 1 ? one : many}`
}

/** A date and time in the user's locale, short and unambiguous. */
export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  })
}

/** How long something took, from its start and end. */
export function formatDuration(fromIso: string, toIso: string | null): string {
  if (!toIso) return '—'
  const ms = Math.max(0, Date.parse(toIso) - Date.parse(fromIso))
  if (ms < 1000) return `${ms} ms`
  const seconds = ms / 1000
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`
  const minutes = Math.floor(seconds / 60)
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`
}
