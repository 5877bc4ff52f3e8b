/**
 * Engines in words, for the switcher, History's engine filter and alerts: a name people know the
 * engine by, and where it is (a local socket, a remote host).
 */
import type { EngineEntry } from '../../../shared/engines'

/** Names listEngines gives when it knows no better (the connection, Settings' host, a followed
 * host): the host then says more. */
const GENERIC_NAMES = new Set(['current', 'Settings', 'settings', ''])

/** The sockets every local engine may use: their directory says nothing about the engine. */
const DEFAULT_SOCKETS = new Set(['/var/run/docker.sock', '/run/docker.sock'])

interface ParsedHost {
  scheme: string
  /** The socket path (unix, npipe) or `host[:port]` (tcp), `user@host[:port]` (ssh). */
  rest: string
}

function parseHost(host: string): ParsedHost {
  const at = host.indexOf('://')
  if (at < 0) return { scheme: '', rest: host }
  return { scheme: host.slice(0, at).toLowerCase(), rest: host.slice(at + 3) }
}

function isLoopback(address: string): boolean {
  const name = address.replace(/^\[|\](:\d+)?$|:\d+$/g, '').toLowerCase()
  return name === 'localhost' || name === '127.0.0.1' || name === '::1'
}

/** 'Local' or 'Remote (tcp)' / 'Remote (ssh)', from the host's address alone. */
export function hostLocation(host: string): string {
  const { scheme, rest } = parseHost(host)
  switch (scheme) {
    case 'unix':
    case 'npipe':
      return 'Local'
    case 'tcp':
    case 'http':
    case 'https':
      return isLoopback(rest.split('/')[0] ?? '') ? 'Local (tcp)' : 'Remote (tcp)'
    case 'ssh':
      return 'Remote (ssh)'
    default:
      return 'Unknown location'
  }
}

/** The address without its scheme, as people read it: a socket path, `host:port`, `user@host`. */
export function hostAddress(host: string): string {
  const { scheme, rest } = parseHost(host)
  if (scheme === 'unix') return rest.startsWith('/') ? rest : `/${rest}`
  return rest.replace(/\/+$/, '') || host
}

/** A name for an engine when listEngines has none better than its host. */
function nameFromHost(host: string): string {
  const { scheme, rest } = parseHost(host)
  if (scheme === 'unix' || scheme === 'npipe') {
    const path = hostAddress(host)
    if (DEFAULT_SOCKETS.has(path)) return 'Local Docker'
    if (/docker_engine$/i.test(path)) return 'Local Docker'
    const parts = path.split(/[/\\]/).filter(Boolean)
    // `/home/me/.colima/default/docker.sock` → "default"; a bare file name → the file name.
    const parent = parts.length >= 2 ? parts[parts.length - 2]! : (parts[0] ?? host)
    return parent.replace(/^\./, '')
  }
  if (scheme === 'ssh') return rest.replace(/^[^@]*@/, '').replace(/[:/].*$/, '')
  return rest.replace(/[/].*$/, '') || host
}

/** What to call an engine: the name it was found by ("Docker Desktop", "context colima"), or
 * one made from its host. */
export function engineName(entry: Pick<EngineEntry, 'name' | 'host'>): string {
  const name = entry.name.trim()
  if (!GENERIC_NAMES.has(name) && name !== entry.host) return name
  return nameFromHost(entry.host)
}

/** "Local · /tmp/engine/docker.sock", "Remote (ssh) · me@build-box". */
export function engineWhere(host: string): string {
  return `${hostLocation(host)} · ${hostAddress(host)}`
}

/** The entry for a host in a list, or one made up from the host alone (not listed yet). */
export function entryFor(entries: readonly EngineEntry[] | null, host: string): EngineEntry {
  return (
    entries?.find((entry) => entry.host === host) ?? {
      host,
      name: '',
      source: 'connection',
      current: false,
      followed: false,
    }
  )
}
