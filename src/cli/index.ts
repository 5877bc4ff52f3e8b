/**
 * Entry of the built CLI (out/main/cli.js), loaded by bin/drydock.js. Kept small on purpose: a
 * command that reads the engine sends its first requests from here (early.ts), and only then is
 * the rest of the CLI loaded (run.ts: commander, the core, zod, dockerode, SQLite), while the
 * engine works on its answers.
 */
import { startCliEarlyReads } from './early'

export async function main(argv: string[]): Promise<number> {
  const early = await startCliEarlyReads(argv, process.env)
  const { run } = await import('./run')
  return run(argv, early)
}
