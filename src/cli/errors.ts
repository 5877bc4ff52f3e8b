/** How a DrydockError becomes an exit code and one line on stderr. */
import { DrydockError, errorMessage } from '../shared/errors'
import { forTerminal } from '../shared/sanitize'
import { EXIT, type ExitCode } from './exit-codes'
import type { CliIo } from './io'

export function exitCodeFor(error: unknown): ExitCode {
  if (!(error instanceof DrydockError)) return EXIT.someItemsFailed
  switch (error.code) {
    case 'invalid-host':
    case 'invalid-request':
    case 'unknown-method':
    case 'engine-changed':
      return EXIT.usage
    case 'engine-unreachable':
      return EXIT.engineUnreachable
    case 'log-unusable':
      return EXIT.logUnusable
    default:
      return EXIT.someItemsFailed
  }
}

export function reportError(io: CliIo, error: unknown): ExitCode {
  // Messages carry the engine's own words: no escape sequences reach the terminal.
  const message = forTerminal(errorMessage(error))
  io.stderr.write(`drydock: ${message}\n`)
  return exitCodeFor(error)
}
