import type { EarlyReads } from '../core/engine/early-reads'
import type { EngineHeaderOnce } from './engine-header'
import { forTerminal } from '../shared/sanitize'

/** What a CLI command may touch of the outside world; tests pass their own. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean }
  stderr: { write(text: string): unknown; isTTY?: boolean }
  /** Engine requests the entry sent before the CLI loaded (early.ts); the first session adopts
   * them. */
  early?: EarlyReads | null
  /** Set when the entry already printed the engine header (engine-header.ts). */
  engineHeader?: EngineHeaderOnce | null
  env: Record<string, string | undefined>
  /** Resolves when the user asks to stop a long-running command (Ctrl-C, SIGTERM). */
  untilInterrupted(): Promise<void>
  /** True when a person is at the terminal (stdin and stdout are TTYs). */
  interactive: boolean
  /** Asks a yes/no question on the terminal; only called when interactive. */
  confirm(question: string): Promise<boolean>
}

export interface GlobalOptions {
  host?: string
  db?: string
  json: boolean
}

/** Indented for a person at a terminal; one line for a pipe (a third fewer bytes to write and
 * for the reader to parse: a plan of 2,000 images is 0.98 MB instead of 1.46 MB). */
export function printJson(io: CliIo, value: unknown): void {
  const text = io.stdout.isTTY ? JSON.stringify(value, null, 2) : JSON.stringify(value)
  io.stdout.write(`${text}\n`)
}

/** Two aligned columns, for `key: value` facts (values are engine text: sanitized). */
export function printFacts(io: CliIo, facts: [string, string][]): void {
  const width = Math.max(...facts.map(([key]) => key.length))
  for (const [key, value] of facts) io.stdout.write(`${key.padEnd(width)}  ${forTerminal(value)}\n`)
}
