/**
 * The first line `plan` and `clean` show on a terminal: the engine, as soon as it has answered.
 * Printed by the CLI's entry (early.ts) from its early answers, before the rest of the CLI has
 * loaded; else by plan-progress.ts once the service connects. Whichever comes first prints it.
 */
import { forTerminal } from '../shared/sanitize'

/** What any of the engine's answers tells (its headers): the counts of `/info` would hold the
 * header back until the engine's slowest small answer (engine-kind.ts). */
export interface EngineHeaderFacts {
  engineKind: 'docker' | 'podman'
  version: string
  host: string
}

/** Shared by the entry and the command of one process: the header is printed once. */
export interface EngineHeaderOnce {
  shown: boolean
}

export function engineHeader(facts: EngineHeaderFacts): string {
  const name = facts.engineKind === 'podman' ? 'Podman' : 'Docker'
  return forTerminal(`${name} ${facts.version} at ${facts.host}`)
}
