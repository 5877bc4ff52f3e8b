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
