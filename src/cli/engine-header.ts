/**
 * The first line `plan` and `clean` show on a terminal: the engine, as soon as it has answered.
 * Printed by the CLI's entry (early.ts) from its early answers, before the rest of the CLI has
 * loaded; else by plan-progress.ts once the service connects. Whichever comes first prints it.
 */
import { forTerminal } from '../shared/sanitize'

export interface EngineHeaderFacts {
  engineKind: 'docker' | 'podman'
  version: string
  host: string
  images: number
  containers: number
  containersRunning: number
}

/** Shared by the entry and the command of one process: the header is printed once. */
export interface EngineHeaderOnce {
  shown: boolean
}

const count = (n: number) => n.toLocaleString('en-US')

export function engineHeader(facts: EngineHeaderFacts): string {
  const name = facts.engineKind === 'podman' ? 'Podman' : 'Docker'
  return forTerminal(
    `${name} ${facts.version} at ${facts.host}: ${count(facts.images)} images, ${count(facts.containers)} containers (${count(facts.containersRunning)} running)`,
  )
}
