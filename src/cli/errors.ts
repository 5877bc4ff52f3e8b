/** How a DrydockError becomes an exit code and one line on stderr. */
import { DrydockError, errorMessage } from '../shared/errors'
import { EXIT, type ExitCode } from './exit-codes'
import type { CliIo } from './io'

export function exitCodeFor(error: unknown): ExitCode {
  if (!(error instanceof DrydockError)) return EXIT.someItemsFailed
  switch (error.code) {
    case 'invalid-host':
    case 'invalid-request':
    case 'unknown-method':
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
  const message = errorMessage(error)
  io.stderr.write(`drydock: ${message}\n`)
  return exitCodeFor(error)
}
