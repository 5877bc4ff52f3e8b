/**
 * Which engine answers: Docker or Podman's Docker-compatible API. Its own small module: the CLI's
 * entry (src/cli/early.ts) names the engine from its early answers before the rest is loaded.
 */
import type { EngineInfo } from '../../shared/contract'

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

/**
 * Podman's compatible API answers `/version` with API 1.41 like Docker 20.10, so the version
 * cannot tell them apart; its components can (docs/engine-rules.md §9).
 */
export function engineKindOf(version: VersionAnswer): EngineInfo['engineKind'] {
  const names = [version.Platform?.Name ?? '', ...(version.Components ?? []).map((c) => c.Name)]
  return names.some((name) => /\bpodman\b/i.test(name ?? '')) ? 'podman' : 'docker'
}
