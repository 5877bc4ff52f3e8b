/**
 * The ssh host key check for ssh:// engines, as the docker CLI gets it from OpenSSH: the key the
 * host presents must be recorded for that host in known_hosts (plain or hashed names, `[host]:port`
 * for other ports than 22, `!negated` and wildcard patterns). An unknown host, a changed key or a
 * key marked `@revoked` is refused, and the refusal shows the key's SHA256 fingerprint the way
 * ssh-keygen prints it, with how to trust it. docker-modem hands `hostVerifier` to ssh2.
 */
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

/** node:crypto on first use (only ssh:// hosts need it; the CLI resolves hosts before it loads). */
const crypto = () => process.getBuiltinModule('node:crypto')

export interface KnownHostEntry {
  marker: 'revoked' | 'cert-authority' | null
  /** The host field as written: a comma-separated pattern list, or one `|1|salt|hash`. */
  hosts: string
  /** The public key blob (OpenSSH wire format), decoded from the line's base64. */
  key: Buffer
}

export type HostKeyVerdict = 'trusted' | 'unknown' | 'changed' | 'revoked'

/** The files OpenSSH reads by default (UserKnownHostsFile, GlobalKnownHostsFile). */
export function defaultKnownHostsFiles(
  platform: NodeJS.Platform = process.platform,
  env: Record<string, string | undefined> = process.env,
  home: string = homedir(),
): string[] {
  const user = [join(home, '.ssh', 'known_hosts'), join(home, '.ssh', 'known_hosts2')]
  if (platform === 'win32') {
    const programData = env.ProgramData || env.PROGRAMDATA || 'C:\\ProgramData'
    return [...user, join(programData, 'ssh', 'ssh_known_hosts')]
  }
  return [...user, '/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2']
}

/** The key type named inside a public key blob (its first SSH string), or '' if malformed. */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return ''
  const length = blob.readUInt32BE(0)
  if (length === 0 || length > 64 || 4 + length > blob.length) return ''
  const type = blob.toString('latin1', 4, 4 + length)
  return /^[A-Za-z0-9@._+-]+$/.test(type) ? type : ''
}

/** `SHA256:<base64, unpadded>`, as `ssh-keygen -lf` and ssh's prompts print it. */
export function sshFingerprint(blob: Buffer): string {
  return `SHA256:${crypto().createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`
}

/** How ssh names the host in known_hosts: `host` on port 22, `[host]:port` on any other. */
export function knownHostName(host: string, port: number): string {
  const name = host.toLowerCase()
  return port === 22 ? name : `[${name}]:${port}`
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = []
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    const fields = line.split(/\s+/)
    let marker: KnownHostEntry['marker'] = null
    if (fields[0]!.startsWith('@')) {
      const word = fields.shift()!
      if (word === '@revoked') marker = 'revoked'
      else if (word === '@cert-authority') marker = 'cert-authority'
      else continue // an unknown marker: ssh ignores the line too
    }
    const [hosts, type, encoded] = fields
    if (!hosts || !type || !encoded || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) continue
    const key = Buffer.from(encoded, 'base64')
    // A line whose key does not say what its type field says is one ssh would not load either.
    if (keyTypeOf(key) !== type) continue
    entries.push({ marker, hosts, key })
  }
  return entries
}

/** ssh's `match_pattern`: `*` any run of characters, `?` any one. */
function matchesPattern(name: string, pattern: string): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('')
  return new RegExp(`^${source}$`, 's').test(name)
}

/** Whether a known_hosts host field names `name` (already in knownHostName's form). */
export function hostFieldMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|1|')) {
    const [, , salt, hash] = hosts.split('|')
    if (!salt || !hash) return false
    const expected = crypto().createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest()
    return expected.equals(Buffer.from(hash, 'base64'))
  }
  let matched = false
  for (const pattern of hosts.toLowerCase().split(',')) {
    if (pattern.startsWith('!')) {
      // A negated pattern that matches rules the line out, whatever else matches.
      if (matchesPattern(name, pattern.slice(1))) return false
    } else if (matchesPattern(name, pattern)) {
      matched = true
    }
  }
  return matched
}

export function checkHostKey(entries: KnownHostEntry[], name: string, key: Buffer): HostKeyVerdict {
  const forHost = entries.filter((entry) => hostFieldMatches(entry.hosts, name))
  if (forHost.some((entry) => entry.marker === 'revoked' && entry.key.equals(key))) return 'revoked'
  // @cert-authority lines name a CA that signs host certificates, never a host key itself.
  const plain = forHost.filter((entry) => entry.marker === null)
  if (plain.some((entry) => entry.key.equals(key))) return 'trusted'
  const type = keyTypeOf(key)
  return plain.some((entry) => keyTypeOf(entry.key) === type) ? 'changed' : 'unknown'
}

function readKnownHosts(file: string): KnownHostEntry[] {
  try {
    return parseKnownHosts(readFileSync(file, 'utf8'))
  } catch {
    return [] // absent or unreadable: ssh skips it too
  }
}

const TYPE_LABELS: [RegExp, string][] = [
  [/^ssh-ed25519$/, 'ED25519'],
  [/^ssh-rsa$/, 'RSA'],
  [/^ecdsa-sha2-/, 'ECDSA'],
  [/^ssh-dss$/, 'DSA'],
]

function keyLabel(key: Buffer): string {
  const type = keyTypeOf(key)
  const label = TYPE_LABELS.find(([pattern]) => pattern.test(type))?.[1] ?? (type || 'unknown')
  return `${label} key ${sshFingerprint(key)}`
}

/** Why the key was refused, in a sentence fragment that ends without a period. */
export function refusalReason(
  verdict: Exclude<HostKeyVerdict, 'trusted'>,
  target: { host: string; port: number; username?: string | undefined },
  key: Buffer,
): string {
  const name = knownHostName(target.host, target.port)
  const portFlag = target.port === 22 ? '' : `-p ${target.port} `
  const login = target.username ? `${target.username}@${target.host}` : target.host
  const presented = `the host presented the ${keyLabel(key)}`
  switch (verdict) {
    case 'revoked':
      return `the ssh host key of ${name} is marked @revoked in known_hosts (${presented}); Drydock will not use it`
    case 'changed':
      return (
        `the ssh host key of ${name} does not match the one in known_hosts (${presented}). ` +
        'Someone may be intercepting the connection, or the host was reinstalled: check the ' +
        `fingerprint with its administrator, then remove the old key with "ssh-keygen -R '${name}'" ` +
        `and connect once with "ssh ${portFlag}${login}"`
      )
    case 'unknown':
      return (
        `the ssh host ${name} is not in known_hosts (${presented}). Check the fingerprint ` +
        `with its administrator, then trust it by connecting once with "ssh ${portFlag}${login}" ` +
        `(or "ssh-keyscan ${portFlag}${target.host} >> ~/.ssh/known_hosts")`
      )
  }
}

/**
 * ssh2's `hostVerifier` for one host, reading known_hosts at each connection (so a key trusted
 * meanwhile is picked up). A refusal is kept for the error message: ssh2 itself only says
 * "Host denied (verification failed)".
 */
export class HostKeyCheck {
  /** Why the last key was refused; null after a key was accepted (or before any check). */
  refusal: string | null = null

  constructor(
    readonly target: { host: string; port: number; username?: string | undefined },
    private readonly files: readonly string[] = defaultKnownHostsFiles(),
  ) {}

  readonly verify = (key: Buffer | string): boolean => {
    if (!Buffer.isBuffer(key)) {
      this.refusal = 'the ssh host key could not be checked against known_hosts'
      return false
    }
    const entries = this.files.flatMap(readKnownHosts)
    const name = knownHostName(this.target.host, this.target.port)
    const verdict = checkHostKey(entries, name, key)
    this.refusal = verdict === 'trusted' ? null : refusalReason(verdict, this.target, key)
    return verdict === 'trusted'
  }
}
