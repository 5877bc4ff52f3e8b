/** The CLI proper, loaded by its small entry (index.ts) once the first requests are out. */
import { createInterface } from 'node:readline/promises'
import type { CliEarlyReads } from './early'
import type { CliIo } from './io'
import { runCli } from './program'
import { errorMessage } from '../shared/errors'

function processIo(early: CliEarlyReads | null): CliIo {
  return {
    early,
    engineHeader: early?.header ?? null,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    confirm: async (question) => {
      const prompt = createInterface({ input: process.stdin, output: process.stdout })
      try {
        return /^y(es)?$/i.test((await prompt.question(`${question} [y/N] `)).trim())
      } finally {
        prompt.close()
      }
    },
    untilInterrupted: () =>
      new Promise((resolve) => {
        process.once('SIGINT', () => resolve())
        process.once('SIGTERM', () => resolve())
      }),
  }
}

export async function run(argv: string[], early: CliEarlyReads | null): Promise<number> {
  // `drydock images | head`: a closed pipe ends the output, not the process with a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0)
    throw error
  })
  try {
    return await runCli(argv, processIo(early))
  } catch (error) {
    // A bug, not a user error: say so in one line; the stack only on request.
    const message = errorMessage(error)
    process.stderr.write(`drydock: unexpected error: ${message}\n`)
    if (process.env.DRYDOCK_DEBUG && error instanceof Error)
      process.stderr.write(`${error.stack}\n`)
    return 1
  }
}
