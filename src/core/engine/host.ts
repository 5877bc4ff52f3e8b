/**
 * Where the Docker engine is: the host URL resolved in the docker CLI's order (explicit setting,
 * DOCKER_HOST, the current docker context, the platform default) and turned into dockerode
 * options. Pure apart from reading the docker config files it is pointed at.
 */
import { existsSync, readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { DockerOptions } from 'dockerode'
import { DrydockError } from '../../shared/drydock-error'
import { defaultKnownHostsFiles, HostKeyCheck } from './known-hosts'

export type HostSource = 'option' | 'DOCKER_HOST' | `context:${string}` | 'default'

export interface ResolvedHost {
  /** The host URL as the user would write it, e.g. `unix:///var/run/docker.sock`. */
  url: string
  source: HostSource
  /** True when the engine's filesystem is this machine's (unix socket or named pipe). */
  local: boolean
  /** Complete dockerode options. Every key is present (undefined when unused) because
   * docker-modem merges its own DOCKER_HOST-derived defaults under whatever we pass. */
  modem: DockerOptions
  /** ssh:// only: the known_hosts check ssh2 runs, which keeps why it refused a key. */
  hostKeyCheck?: HostKeyCheck
  /** What the user should know about this host before trusting it (e.g. plain tcp://). */
  warnings?: string[]
}

export interface HostInputs {
  /** `--host` or the app setting. */
  explicit?: string | undefined
  env: Record<string, string | undefined>
  platform: NodeJS.Platform
  /** The docker CLI's config directory (DOCKER_CONFIG or ~/.docker). */
  dockerConfigDir?: string
  /** Where ssh host keys are trusted; default: OpenSSH's known_hosts files. */
  knownHostsFiles?: readonly string[]
}

interface TlsMaterial {
  ca?: Buffer
  cert?: Buffer
  key?: Buffer
  /** False when the context says SkipTLSVerify or DOCKER_TLS_VERIFY is unset. */
  verify: boolean
}

const DEFAULT_UNIX_SOCKET = 'unix:///var/run/docker.sock'
const DEFAULT_NPIPE = 'npipe:////./pipe/docker_engine'

function invalidHost(url: string, why: string): DrydockError {
  return new DrydockError('invalid-host', `"${url}" is not a usable Docker host: ${why}.`)
}

function readIfExists(path: string): Buffer | undefined {
  return existsSync(path) ? readFileSync(path) : undefined
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown
  } catch {
    return undefined
  }
}

interface ContextEndpoint {
  name: string
  host: string
  tls: TlsMaterial | null
}

/** The current docker context's endpoint, if a non-default context is selected. */
export function readCurrentContext(
  configDir: string,
  env: Record<string, string | undefined>,
): ContextEndpoint | null {
  const config = readJson(join(configDir, 'config.json')) as
    { currentContext?: unknown } | undefined
  const name =
    env.DOCKER_CONTEXT || (typeof config?.currentContext === 'string' ? config.currentContext : '')
  if (!name || name === 'default') return null
  // The CLI stores each context under the sha256 of its name.
  // node:crypto on first use: the CLI resolves the host before anything else loads.
  const id = process.getBuiltinModule('node:crypto').createHash('sha256').update(name).digest('hex')
  const meta = readJson(join(configDir, 'contexts', 'meta', id, 'meta.json')) as
    { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } } | undefined
  const endpoint = meta?.Endpoints?.docker
  if (typeof endpoint?.Host !== 'string') {
    throw new DrydockError(
      'invalid-host',
      `The current docker context "${name}" has no docker endpoint in ${configDir}/contexts.`,
    )
  }
  const tlsDir = join(configDir, 'contexts', 'tls', id, 'docker')
  const tls: TlsMaterial = {
    ca: readIfExists(join(tlsDir, 'ca.pem')),
    cert: readIfExists(join(tlsDir, 'cert.pem')),
    key: readIfExists(join(tlsDir, 'key.pem')),
    verify: endpoint.SkipTLSVerify !== true,
  }
  const hasTls = tls.ca !== undefined || tls.cert !== undefined
  return { name, host: endpoint.Host, tls: hasTls ? tls : null }
}

function tlsFromEnv(
  env: Record<string, string | undefined>,
  configDir: string,
): TlsMaterial | null {
  if (!env.DOCKER_TLS_VERIFY && !env.DOCKER_CERT_PATH) return null
  const dir = env.DOCKER_CERT_PATH || configDir
  return {
    ca: readIfExists(join(dir, 'ca.pem')),
    cert: readIfExists(join(dir, 'cert.pem')),
    key: readIfExists(join(dir, 'key.pem')),
    verify: Boolean(env.DOCKER_TLS_VERIFY),
  }
}

const NO_OPTIONS: DockerOptions = {
  socketPath: undefined,
  host: undefined,
  port: undefined,
  protocol: undefined,
  ca: undefined,
  cert: undefined,
  key: undefined,
  username: undefined,
  sshOptions: undefined,
}

/** localhost, 127.0.0.0/8 and ::1 (also as an IPv4-mapped address): this machine only. */
export function isLoopbackHost(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '')
  if (name === 'localhost' || name.endsWith('.localhost')) return true
  const v4 = name.replace(/^::ffff:/, '')
  if (isIP(v4) === 4) return v4.startsWith('127.')
  if (isIP(name) !== 6) return false
  // ::1 in any spelling, or 127.x.y.z mapped (URL writes ::ffff:127.0.0.1 as ::ffff:7f00:1).
  return /^(0{0,4}:){2,7}0{0,3}1$/.test(name) || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(name)
}

function plainTcpWarning(url: string): string {
  return (
    `${url} is plain tcp without TLS: anyone on the network between here and the engine can ` +
    'read and control it, which is root on that machine. Use ssh://, or TLS (DOCKER_TLS_VERIFY=1 ' +
    'and DOCKER_CERT_PATH, or a docker context with TLS).'
  )
}

/** Turns a host URL into dockerode options; throws `invalid-host` with the reason. */
export function modemOptionsFor(
  url: string,
  tls: TlsMaterial | null,
  env: Record<string, string | undefined>,
  knownHostsFiles: readonly string[] = defaultKnownHostsFiles(),
): { modem: DockerOptions; local: boolean; hostKeyCheck?: HostKeyCheck; warnings: string[] } {
  const match = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(url.trim())
  if (!match) throw invalidHost(url, 'expected scheme://address, e.g. unix:///var/run/docker.sock')
  const scheme = match[1]!.toLowerCase()
  const rest = match[2]!

  if (scheme === 'unix') {
    if (!rest.startsWith('/')) throw invalidHost(url, 'a unix socket path must be absolute')
    return { modem: { ...NO_OPTIONS, socketPath: rest }, local: true, warnings: [] }
  }
  if (scheme === 'npipe') {
    const pipe = rest.replace(/^\/\/\.\/pipe\//, '\\\\.\\pipe\\').replace(/\//g, '\\')
    if (!/^\\\\\.\\pipe\\.+/.test(pipe)) throw invalidHost(url, 'expected npipe:////./pipe/NAME')
    return { modem: { ...NO_OPTIONS, socketPath: pipe }, local: true, warnings: [] }
  }
  if (scheme !== 'tcp' && scheme !== 'ssh' && scheme !== 'http' && scheme !== 'https') {
    throw invalidHost(url, `the scheme "${scheme}" is not supported (use unix, tcp, ssh or npipe)`)
  }

  let parsed: URL
  try {
    parsed = new URL(`${scheme === 'ssh' ? 'ssh' : 'http'}://${rest}`)
  } catch {
    throw invalidHost(url, 'the address is not a valid host[:port]')
  }
  if (!parsed.hostname) throw invalidHost(url, 'the host name is missing')
  if (parsed.pathname !== '/' && parsed.pathname !== '') {
    throw invalidHost(url, 'a path is not allowed after host:port')
  }
  const port = parsed.port ? Number(parsed.port) : undefined
  const hostname = parsed.hostname.replace(/^\[(.*)\]$/, '$1')

  if (scheme === 'ssh') {
    const username = parsed.username ? decodeURIComponent(parsed.username) : undefined
    const hostKeyCheck = new HostKeyCheck(
      { host: hostname, port: port ?? 22, username },
      knownHostsFiles,
    )
    return {
      modem: {
        ...NO_OPTIONS,
        protocol: 'ssh',
        host: hostname,
        port: port ?? 22,
        username,
        // docker-modem opens the ssh connection itself (ssh2, given these options) and runs
        // `docker system dial-stdio`. The host key is checked against known_hosts, as ssh does
        // for the docker CLI; without hostVerifier ssh2 would accept any key.
        sshOptions: { agent: env.SSH_AUTH_SOCK, hostVerifier: hostKeyCheck.verify },
      },
      local: false,
      hostKeyCheck,
      warnings: [],
    }
  }

  const useTls = scheme === 'https' || tls !== null
  return {
    modem: {
      ...NO_OPTIONS,
      protocol: useTls ? 'https' : 'http',
      host: hostname,
      port: port ?? (useTls ? 2376 : 2375),
      ca: tls?.ca,
      cert: tls?.cert,
      key: tls?.key,
      // Mirrors the docker CLI: without DOCKER_TLS_VERIFY (or with SkipTLSVerify) the server
      // certificate is not checked, only used for encryption.
      ...(tls && !tls.verify ? { checkServerIdentity: () => undefined } : {}),
    },
    local: false,
    warnings: useTls || isLoopbackHost(hostname) ? [] : [plainTcpWarning(url)],
  }
}

/** Resolves the engine host in the docker CLI's order of precedence. */
export function resolveHost(inputs: HostInputs): ResolvedHost {
  const env = inputs.env
  const configDir = inputs.dockerConfigDir ?? env.DOCKER_CONFIG ?? join(homedir(), '.docker')

  let url: string
  let source: HostSource
  let tls: TlsMaterial | null = null
  const explicit = inputs.explicit?.trim()

  if (explicit) {
    url = explicit
    source = 'option'
    tls = tlsFromEnv(env, configDir)
  } else if (env.DOCKER_HOST) {
    url = env.DOCKER_HOST
    source = 'DOCKER_HOST'
    tls = tlsFromEnv(env, configDir)
  } else {
    const context = readCurrentContext(configDir, env)
    if (context) {
      url = context.host
      source = `context:${context.name}`
      tls = context.tls
    } else {
      url = inputs.platform === 'win32' ? DEFAULT_NPIPE : DEFAULT_UNIX_SOCKET
      source = 'default'
    }
  }
  const { modem, local, hostKeyCheck, warnings } = modemOptionsFor(
    url,
    tls,
    env,
    inputs.knownHostsFiles,
  )
  return { url, source, local, modem, ...(hostKeyCheck ? { hostKeyCheck } : {}), warnings }
}
