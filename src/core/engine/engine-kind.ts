/**
 * Which engine answers, and its version: Docker or Podman's Docker-compatible API. Its own small
 * module: the CLI's entry (src/cli/early.ts) names the engine from its early answers before the
 * rest is loaded.
 *
 * Where the answer's headers can be read (the pipelined getter: unix sockets, plain tcp), `/info`
 * and its headers say all that `/version` would: Docker 20.10 runs `runc --version` and
 * `docker-init --version` for each of the two, ~30 ms of the engine's CPU apiece on the build
 * machine, taken from the lists a plan waits for (docs/performance.md). Elsewhere (ssh, https:
 * dockerode) both are asked.
 */
import type { EngineInfo } from '../../shared/contract'
import type { IdentityHeaders, WithHeaders } from './pipelined-get'

/** The fields of `/version` Drydock reads. */
export interface VersionAnswer {
  Platform?: { Name?: string }
  /** Docker names its engine component `Engine`; Podman's compatible API `Podman Engine`. */
  Components?: { Name?: string }[] | null
  Version?: string
  ApiVersion?: string
  Os?: string
  Arch?: string
  KernelVersion?: string
}

/** The fields of `/info` Drydock reads. */
export interface InfoAnswer {
  ID?: string
  Name?: string
  Driver?: string
  DriverStatus?: [string, string][] | null
  DockerRootDir?: string
  OperatingSystem?: string
  OSType?: string
  NCPU?: number
  MemTotal?: number
  Images?: number
  Containers?: number
  ContainersRunning?: number
  ServerVersion?: string
  /** `uname -m` on Docker (x86_64), Go's name on Podman (amd64). */
  Architecture?: string
  KernelVersion?: string
  /** Podman's only: the Buildah it builds with. */
  BuildahVersion?: string
}

/** `/info` with the identity headers of its answer. */
export type AnsweredInfo = WithHeaders

/** Who the engine is, read from `/version` or from `/info` and its headers. */
export interface EngineIdentity {
  kind: EngineInfo['engineKind']
  version: string
  apiVersion: string
  /** Go's name for the architecture (amd64, arm64), as `/version` gives it. */
  arch: string
  kernelVersion: string
  /** From `/version` only; `/info`'s OSType says the same. */
  os?: string
}

/**
 * Podman's compatible API answers `/version` with API 1.41 like Docker 20.10, so the version
 * cannot tell them apart; its components can (docs/engine-rules.md §9).
 */
export function engineKindOf(version: VersionAnswer): EngineInfo['engineKind'] {
  const names = [version.Platform?.Name ?? '', ...(version.Components ?? []).map((c) => c.Name)]
  return names.some((name) => /\bpodman\b/i.test(name ?? '')) ? 'podman' : 'docker'
}

export function identityFromVersion(version: VersionAnswer): EngineIdentity {
  return {
    kind: engineKindOf(version),
    version: version.Version ?? 'unknown',
    apiVersion: version.ApiVersion ?? 'unknown',
    arch: version.Arch ?? 'unknown',
    kernelVersion: version.KernelVersion ?? 'unknown',
    ...(version.Os ? { os: version.Os } : {}),
  }
}

/**
 * Podman's service signs every answer (`Libpod-Api-Version`, `Server: Libpod/4.3.1 (linux)`), and
 * its `/info` alone has `BuildahVersion`: either tells it from Docker (`Server: Docker/20.10.24
 * (linux)`), so a proxy that drops headers still leaves the body's mark.
 */
export function identityFromInfo(info: InfoAnswer, headers: IdentityHeaders): EngineIdentity {
  const server = headers.server ?? ''
  const podman =
    headers['libpod-api-version'] !== undefined ||
    /^libpod\//i.test(server) ||
    info.BuildahVersion !== undefined
  return {
    kind: podman ? 'podman' : 'docker',
    version: info.ServerVersion ?? /^[^/\s]+\/(\S+)/.exec(server)?.[1] ?? 'unknown',
    apiVersion: headers['api-version'] ?? 'unknown',
    arch: goArch(info.Architecture ?? 'unknown'),
    kernelVersion: info.KernelVersion ?? 'unknown',
  }
}

/** `uname -m`'s names for the architectures Go names otherwise. */
const GO_ARCH: Record<string, string> = {
  x86_64: 'amd64',
  aarch64: 'arm64',
  armv7l: 'arm',
  armv6l: 'arm',
  i386: '386',
  i686: '386',
}

function goArch(machine: string): string {
  return GO_ARCH[machine] ?? machine
}
