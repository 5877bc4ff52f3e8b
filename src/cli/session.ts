/** One service and its in-process client for the lifetime of a CLI command. */
import { homedir } from 'node:os'
import type { AppInfo, DrydockClient } from '../shared/contract'
import { defaultDatabasePath } from '../core/store'
import { resolveHost } from '../core/engine/host'
import { createInProcessClient } from '../core/in-process-client'
import { packageVersion } from '../core/package-info'
import { DrydockService } from '../core/service'
import { forTerminal } from '../shared/sanitize'
import type { CliIo, GlobalOptions } from './io'

export interface CliSession {
  service: DrydockService
  client: DrydockClient
  /** What the user should know about the engine host (plain tcp to another machine). */
  hostWarnings: string[]
  close(): void
}

/**
 * Where the warnings go: stderr (the default, so stdout stays the command's output), the
 * command itself (`status` shows them with the engine), or nowhere (`history` needs no engine).
 */
export type HostWarningOutput = 'stderr' | 'caller' | 'none'

/** The warnings of the host this session connects to, resolved as the service resolves it. */
function hostWarningsFor(
  options: GlobalOptions,
  io: CliIo,
  transport: AppInfo['transport'],
): string[] {
  // Browser mode follows the host saved in Settings, which only the service reads.
  if (transport === 'http' && !options.host) return []
  try {
    return (
      resolveHost({ explicit: options.host, env: io.env, platform: process.platform }).warnings ??
      []
    )
  } catch {
    return [] // an unusable host is the connection's error to report
  }
}

export function printHostWarnings(io: CliIo, warnings: string[]): void {
  for (const warning of warnings) io.stderr.write(`drydock: warning: ${forTerminal(warning)}\n`)
}

export function openCliSession(
  options: GlobalOptions,
  io: CliIo,
  transport: AppInfo['transport'] = 'in-process',
  warnings: HostWarningOutput = 'stderr',
): CliSession {
  const hostWarnings = warnings === 'none' ? [] : hostWarningsFor(options, io, transport)
  if (warnings === 'stderr') printHostWarnings(io, hostWarnings)
  // The entry's early requests belong to the first session (a command opens one).
  const early = io.early ?? null
  io.early = null
  const service = new DrydockService({
    early,
    host: options.host,
    env: io.env,
    databasePath: options.db ?? defaultDatabasePath(io.env, process.platform, homedir()),
    transport,
    version: packageVersion(),
    // Browser mode is the app in a browser: it follows the host saved in Settings.
    hostFromSettings: transport === 'http',
    onLogRecovered: (movedTo, path) =>
      io.stderr.write(
        `drydock: the log at ${path} was not a readable database; it was moved to ${movedTo} and a new log was started.\n`,
      ),
  })
  return {
    service,
    client: createInProcessClient(service),
    hostWarnings,
    close: () => service.close(),
  }
}
