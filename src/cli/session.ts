/** One service and its in-process client for the lifetime of a CLI command. */
import { homedir } from 'node:os'
import type { AppInfo, DrydockClient } from '../shared/contract'
import { defaultDatabasePath } from '../core/store'
import { createInProcessClient } from '../core/in-process-client'
import { packageVersion } from '../core/package-info'
import { DrydockService } from '../core/service'
import type { CliIo, GlobalOptions } from './io'

export interface CliSession {
  service: DrydockService
  client: DrydockClient
  close(): void
}

export function openCliSession(
  options: GlobalOptions,
  io: CliIo,
  transport: AppInfo['transport'] = 'in-process',
): CliSession {
  const service = new DrydockService({
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
  return { service, client: createInProcessClient(service), close: () => service.close() }
}
