/**
 * Turns a failed engine request into one sentence that names the host and the cause, so the UI
 * and the CLI never show a bare ECONNREFUSED.
 */
import { readFileSync, statSync } from 'node:fs'
import { userInfo } from 'node:os'
import { DrydockError } from '../../shared/errors'
import type { ResolvedHost } from './host'

/** `name:x:id:members` lines of /etc/group or /etc/passwd, or none when unreadable. */
function databaseLines(file: string): string[][] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .map((line) => line.split(':'))
  } catch {
    return []
  }
}

function currentUser(): string | null {
  try {
    return userInfo().username
  } catch {
    return null
  }
}

/**
 * Why a unix socket refused this process, and how to get in: join the group that may use it
 * (or log in again, when already added), or, when only its owner may (root:root 0660 where no
 * docker group exists, or a socket the group cannot write), sudo or another engine. Never advice
 * to join the root group.
 */
function permissionAdvice(socketPath: string | undefined): string {
  const denied = 'permission denied on the socket'
  let stats: { uid: number; gid: number; mode: number }
  try {
    if (typeof socketPath !== 'string') throw new Error('no socket path')
    stats = statSync(socketPath)
  } catch {
    // A directory on the way is closed to this user, or no socket at all (a tcp host).
    return `${denied}; run the command with sudo, or point --host or DOCKER_HOST at an engine you may use`
  }
  const group = databaseLines('/etc/group').find((entry) => entry[2] === String(stats.gid))
  const groupName = group?.[0] ?? `gid ${stats.gid}`
  const groupMayUse = (stats.mode & 0o060) === 0o060
  if (stats.gid !== 0 && groupMayUse) {
    const user = currentUser()
    const members = (group?.[3] ?? '').split(',').filter(Boolean)
    if (user && members.includes(user) && !process.getgroups?.().includes(stats.gid)) {
      return `${denied}; you are in the group "${groupName}" that may use it, but this session started before you joined it: log in again (or run newgrp ${groupName})`
    }
    return `${denied}; members of the group "${groupName}" may use it (sudo usermod -aG ${groupName} $USER, then log in again), or run the command with sudo`
  }
  const owner =
    databaseLines('/etc/passwd').find((entry) => entry[2] === String(stats.uid))?.[0] ??
    `uid ${stats.uid}`
  return `${denied}, which only ${owner} may use; run the command with sudo, or point --host or DOCKER_HOST at an engine you may use (such as a rootless one)`
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

function causeOf(error: unknown, socketPath: unknown): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike
  const code = errorCode(e)
  const message = typeof e.message === 'string' ? e.message : String(error)

  switch (code) {
    case 'ENOENT':
      return 'the socket does not exist (is the Docker engine running?)'
    case 'ECONNREFUSED':
      return 'the connection was refused (is the Docker engine running?)'
    case 'EACCES':
    case 'EPERM':
      return permissionAdvice(typeof socketPath === 'string' ? socketPath : undefined)
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve'
    case 'ECONNRESET':
    case 'EPIPE':
      return `the engine closed the connection (${code})`
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `the host did not answer (${code})`
  }
  if (/certificate|TLS|SSL|EPROTO|self.signed|handshake/i.test(`${code} ${message}`)) {
    return `the TLS handshake failed (${message})`
  }
  // A bounded read (read-timeouts.ts) says which request got no answer.
  if (/^timeout: /.test(message)) return message.slice('timeout: '.length)
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
    `Cannot reach the Docker engine at ${host.url}: ${causeOf(error, host.modem.socketPath)}.`,
  )
}

/**
 * A request of a cleanup got no answer (no HTTP status): the engine died, restarted or stopped
 * answering mid-run, and whether that request happened is unknown.
 */
export function isTransportFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || error instanceof DrydockError) return false
  const e = error as ErrorLike & { name?: unknown }
  if (typeof e.statusCode === 'number') return false
  const code = errorCode(e)
  return (
    /^E[A-Z]+$/.test(code) ||
    e.name === 'AbortError' ||
    (typeof e.message === 'string' && /socket hang up|timeout|timed out/i.test(e.message))
  )
}

/** The run stops: the sentence names the engine, the cause, and what the log will say. */
export function engineLostDuringRun(
  error: unknown,
  engine: { url: string; socketPath?: string },
): DrydockError {
  return new DrydockError(
    'engine-unreachable',
    `The Docker engine at ${engine.url} stopped answering during the cleanup: ${causeOf(error, engine.socketPath)}; nothing more was started, and what was in flight will be recorded from what the engine holds when it answers again.`,
  )
}
