/**
 * The engines a user has: DOCKER_HOST, every docker context, and the sockets the desktop engines
 * and Podman listen on where they exist (Docker Desktop, Colima, Rancher Desktop, OrbStack,
 * rootful and rootless Podman, the system socket). Pure apart from reading the docker config and
 * checking which sockets exist; nothing is contacted here.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { DiscoveredEngine } from '../../shared/engines'

export interface DiscoveryInputs {
  env: Record<string, string | undefined>
  platform: NodeJS.Platform
  home?: string
  /** Injected for tests: whether a path is a socket (or a named pipe) that exists. */
  isSocket?: (path: string) => boolean
  /** Injected for tests: the docker config directory's contexts. */
  contexts?: { name: string; host: string }[]
}

function isSocketFile(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isSocket()
  } catch {
    return false
  }
}

/** `docker context ls`: each context's docker endpoint, from the CLI's config directory. */
export function dockerContexts(configDir: string): { name: string; host: string }[] {
  const metaDir = join(configDir, 'contexts', 'meta')
  let ids: string[]
  try {
    ids = readdirSync(metaDir)
  } catch {
    return []
  }
  return ids.flatMap((id) => {
    try {
      const meta = JSON.parse(readFileSync(join(metaDir, id, 'meta.json'), 'utf8')) as {
        Name?: string
        Endpoints?: { docker?: { Host?: string } }
      }
      const host = meta.Endpoints?.docker?.Host
      return meta.Name && host ? [{ name: meta.Name, host }] : []
    } catch {
      return []
    }
  })
}

/** Well-known sockets, by the product that makes them. */
function knownSockets(
  env: Record<string, string | undefined>,
  platform: NodeJS.Platform,
  home: string,
): { name: string; path: string }[] {
  const runtime =
    env.XDG_RUNTIME_DIR ?? (platform === 'linux' ? `/run/user/${process.getuid?.() ?? 0}` : '')
  return [
    { name: 'Docker (system)', path: '/var/run/docker.sock' },
    { name: 'Docker Desktop', path: join(home, '.docker', 'run', 'docker.sock') },
    { name: 'Docker Desktop', path: join(home, '.docker', 'desktop', 'docker.sock') },
    { name: 'Colima', path: join(home, '.colima', 'default', 'docker.sock') },
    { name: 'Colima', path: join(home, '.colima', 'docker.sock') },
    { name: 'Rancher Desktop', path: join(home, '.rd', 'docker.sock') },
    { name: 'OrbStack', path: join(home, '.orbstack', 'run', 'docker.sock') },
    { name: 'Podman (rootful)', path: '/run/podman/podman.sock' },
    ...(runtime
      ? [{ name: 'Podman (rootless)', path: join(runtime, 'podman', 'podman.sock') }]
      : []),
    ...(runtime ? [{ name: 'Docker (rootless)', path: join(runtime, 'docker.sock') }] : []),
  ]
}

/** Every engine found, each host once (the first way it was found names it). */
export function discoverEngines(inputs: DiscoveryInputs): DiscoveredEngine[] {
  const home = inputs.home ?? homedir()
  const isSocket = inputs.isSocket ?? isSocketFile
  const configDir = inputs.env.DOCKER_CONFIG ?? join(home, '.docker')
  const found: DiscoveredEngine[] = []
  const add = (engine: DiscoveredEngine) => {
    if (!found.some((known) => known.host === engine.host)) found.push(engine)
  }
  if (inputs.env.DOCKER_HOST) {
    add({ host: inputs.env.DOCKER_HOST, name: 'DOCKER_HOST', source: 'DOCKER_HOST' })
  }
  for (const context of inputs.contexts ?? dockerContexts(configDir)) {
    add({ host: context.host, name: `context ${context.name}`, source: `context:${context.name}` })
  }
  if (inputs.platform === 'win32') {
    add({ host: 'npipe:////./pipe/docker_engine', name: 'Docker Desktop', source: 'socket' })
    return found
  }
  for (const socket of knownSockets(inputs.env, inputs.platform, home)) {
    if (isSocket(socket.path)) {
      add({ host: `unix://${socket.path}`, name: socket.name, source: 'socket' })
    }
  }
  return found
}
