/** A CliIo that records what a command printed, for running the CLI in-process. */
import type { CliIo } from '../../src/cli/io'

export interface RecordedIo extends CliIo {
  out(): string
  err(): string
  /** Ends a long-running command (serve, watch) as Ctrl-C would. */
  interrupt(): void
}

export function recordingIo(
  env: Record<string, string | undefined> = {},
  terminal: { interactive: boolean; answer?: boolean } = { interactive: false },
): RecordedIo {
  let stdout = ''
  let stderr = ''
  let interrupt: () => void = () => undefined
  const interrupted = new Promise<void>((resolve) => {
    interrupt = resolve
  })
  return {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
    untilInterrupted: () => interrupted,
    interactive: terminal.interactive,
    confirm: async (question: string) => {
      stdout += `${question} [y/N] ${terminal.answer ? 'y' : 'n'}\n`
      return terminal.answer ?? false
    },
    out: () => stdout,
    err: () => stderr,
    interrupt: () => interrupt(),
  }
}
