/**
 * Turns a failed engine request into one sentence that names the host and the cause, so the UI
 * and the CLI never show a bare ECONNREFUSED.
 */
import { statSync, readFileSync } from 'node:fs'
import { DrydockError } from '../../shared/errors'
import type { ResolvedHost } from './host'

/** The group that owns a unix socket, so the message can say which group grants access. */
function socketGroup(socketPath: string): string | null {
  try {
    const gid = statSync(socketPath).gid
    const line = readFileSync('/etc/group', 'utf8')
      .split('\n')
      .find((entry) => entry.split(':')[2] === String(gid))
    return line?.split(':')[0] ?? `gid ${gid}`
  } catch {
    return null
  }
}

interface ErrorLike {
  code?: unknown
  errno?: unknown
  message?: unknown
  statusCode?: unknown
  json?: unknown
  reason?: unknown
}

function errorCode(error: ErrorLike): string {
  return typeof error.code === 'string' ? error.code : ''
}

function causeOf(error: unknown, host: ResolvedHost): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike
  const code = errorCode(e)
  const message = typeof e.message === 'string' ? e.message : String(error)
  const socketPath = host.modem.socketPath

  switch (code) {
    case 'ENOENT':
      return 'the socket does not exist (is the Docker engine running?)'
    case 'ECONNREFUSED':
      return 'the connection was refused (is the Docker engine running?)'
    case 'EACCES':
    case 'EPERM': {
      const group = typeof socketPath === 'string' ? socketGroup(socketPath) : null
      return group
        ? `permission denied on the socket; members of the group "${group}" may use it (sudo usermod -aG ${group} $USER, then log in again)`
        : 'permission denied on the socket'
    }
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve'
    case 'ETIMEDOUT':
    case 'ECONNRESET':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `the host did not answer (${code})`
  }
  if (/certificate|TLS|SSL|EPROTO|self.signed|handshake/i.test(`${code} ${message}`)) {
    return `the TLS handshake failed (${message})`
  }
  if (/timeout/i.test(message)) return 'the engine did not answer in time'
  if (typeof e.statusCode === 'number') {
    return `the engine answered HTTP ${e.statusCode} (${message.replace(/^\(HTTP code \d+\)\s*/, '')})`
  }
  return message
}

/** ssh2's own words when hostVerifier said no; the check kept the reason and the fingerprint. */
function hostKeyRefusal(error: unknown, host: ResolvedHost): string | null {
  const refusal = host.hostKeyCheck?.refusal
  if (!refusal) return null
  // ssh2 says "Host denied (verification failed)"; a refusal kept from an earlier attempt must
  // not explain another failure.
  const message = error instanceof Error ? error.message : String(error)
  return /host denied|verification failed/i.test(message) ? refusal : null
}

export function engineUnreachable(error: unknown, host: ResolvedHost): DrydockError {
  if (error instanceof DrydockError) return error
  const refused = hostKeyRefusal(error, host)
  if (refused) {
    return new DrydockError(
      'engine-unreachable',
      `Cannot reach the Docker engine at ${host.url}: ${refused}.`,
    )
  }
  return new DrydockError(
    'engine-unreachable',
    `Cannot reach the Docker engine at ${host.url}: ${causeOf(error, host)}.`,
  )
}
