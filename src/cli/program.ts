/**
 * The `drydock` command line: argument parsing (commander) and dispatch to the commands. Usage
 * errors exit 2; every other exit code comes from the command itself (see exit-codes.ts).
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import { packageVersion } from '../core/package-info'
import { parseSize } from '../shared/size'
import { cleanCommand } from './commands/clean'
import { historyCommand } from './commands/history'
import { imagesCommand } from './commands/images'
import { planCommand } from './commands/plan'
import { serveCommand } from './commands/serve'
import { statusCommand } from './commands/status'
import { parseInterval, parseLimit, watchCommand, type WatchFlags } from './commands/watch'
import { addSelectionOptions } from './selection-options'
import { EXIT, type ExitCode } from './exit-codes'
import type { CliIo, GlobalOptions } from './io'

function parseTargetSize(value: string): number {
  const parsed = parseSize(value)
  if (!parsed.ok || parsed.bytes === null) {
    throw new InvalidArgumentError('expected a size such as 30GB or 500MB.')
  }
  return parsed.bytes
}

function parsePort(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) {
    throw new InvalidArgumentError('expected a port number from 0 to 65535 (0 picks a free one).')
  }
  return Number(value)
}

function buildProgram(io: CliIo, done: (code: ExitCode) => void): Command {
  const program = new Command()
    .name('drydock')
    .description('See what Docker keeps on disk and reclaim it safely.')
    .version(packageVersion(), '-v, --version', 'print the version')
    .option(
      '--host <url>',
      'Docker host (default: DOCKER_HOST, the docker context, the local socket)',
    )
    .option('--db <path>', 'cleanup log file (default: DRYDOCK_DB, then the desktop app’s)')
    .option('--json', 'machine-readable output', false)
    .showHelpAfterError('(run drydock --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })

  const globals = (): GlobalOptions => {
    const opts = program.opts<{ host?: string; db?: string; json: boolean }>()
    return { host: opts.host, db: opts.db, json: opts.json }
  }

  program
    .command('status')
    .description('engine, version, storage driver and data root')
    .action(async () => done(await statusCommand(io, globals())))

  program
    .command('images')
    .description('image inventory with tags, digests, sizes and dependencies')
    .action(async () => done(await imagesCommand(io, globals())))

  addSelectionOptions(
    program.command('plan').description('predict a cleanup; change nothing'),
  ).action(async (flags: Parameters<typeof planCommand>[2]) =>
    done(await planCommand(io, globals(), flags)),
  )

  addSelectionOptions(
    program
      .command('clean')
      .description('execute the plan and record it in the log (asks unless --yes)'),
  )
    .option('-y, --yes', 'do not ask for confirmation')
    .option(
      '--accept-new-log',
      'the log was replaced and its Settings lost: you have seen it, policy cleanups may run',
    )
    .action(async (flags: Parameters<typeof cleanCommand>[2]) =>
      done(await cleanCommand(io, globals(), flags)),
    )

  program
    .command('history')
    .description('past runs from the log; works with no engine reachable')
    .option(
      '--limit <n>',
      'how many runs',
      (value) => {
        if (!/^[1-9]\d*$/.test(value))
          throw new InvalidArgumentError('expected a whole number of 1 or more.')
        return Number(value)
      },
      20,
    )
    .option('--run <id>', 'one run, item by item')
    .option('--automatic', 'each time an automatic cleanup was due: what happened and why')
    .addOption(
      new Option('--format <format>', 'table or csv (one line per item)')
        .choices(['table', 'csv'])
        .default('table'),
    )
    .action(async (flags: { limit: number; run?: string; format: 'table' | 'csv' }) =>
      done(await historyCommand(io, globals(), flags)),
    )

  program
    .command('watch')
    .description('the disk monitor in a terminal (alerts; optional auto-clean)')
    .option('--free-below <pct|size>', 'alert when free space is below this (10%, 5GB)', parseLimit)
    .option(
      '--usage-above <size|pct>',
      'alert when Docker uses more than this (50GB, 30%)',
      parseLimit,
    )
    .option(
      '--interval <dur>',
      'time between checks (30s, 5m, 1h; default: the settings)',
      parseInterval,
    )
    .option('--once', 'check once and exit: 0 no alert, 5 alert active')
    .option('--auto-clean', 'clean up when a threshold is crossed (the default safe policy)')
    .option(
      '--target-size <size>',
      'with --auto-clean: least recently used images and build cache go until Docker takes SIZE',
      parseTargetSize,
    )
    .option('--system', 'with --auto-clean: what docker system prune removes')
    .option('--json', 'one JSON object per line')
    .action(async (flags: WatchFlags) => done(await watchCommand(io, globals(), flags)))

  program
    .command('serve')
    .description('browser mode on 127.0.0.1; prints the URL with its token')
    .option('--port <n>', 'port to listen on (0 picks a free one)', parsePort, 0)
    .action(async (opts: { port: number }) => done(await serveCommand(io, globals(), opts)))

  for (const command of program.commands) {
    command.exitOverride().configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
  }
  return program
}

/** Runs the CLI with `argv` (without `node` and the script) and resolves with the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.ok
  const program = buildProgram(io, (code) => {
    exitCode = code
  })
  if (argv.length === 0) {
    program.outputHelp()
    return EXIT.usage
  }
  try {
    await program.parseAsync(argv, { from: 'user' })
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end parsing with exit code 0; everything else is a usage error.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage
    }
    throw error
  }
  return exitCode
}
