/** Entry of the built CLI (out/main/cli.js), loaded by bin/drydock.js. */
import type { CliIo } from './io'
import { runCli } from './program'

function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    untilInterrupted: () =>
      new Promise((resolve) => {
        process.once('SIGINT', () => resolve())
        process.once('SIGTERM', () => resolve())
      }),
  }
}

export async function main(argv: string[]): Promise<number> {
  try {
    return await runCli(argv, processIo())
  } catch (error) {
    // A bug, not a user error: say so in one line; the stack only on request.
    const message = error instanceof Error ? error.message : String(error)
    process.stderr.write(`drydock: unexpected error: ${message}\n`)
    if (process.env.DRYDOCK_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`)
    return 1
  }
}
