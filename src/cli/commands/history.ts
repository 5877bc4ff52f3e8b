/** `drydock history`: past runs from the log; needs no engine. */
import { formatBytes } from '../../shared/format'
import { restoreCommand, runsToCsv, type RunDetail } from '../../shared/history'
import { reportError } from '../errors'
import { EXIT, type ExitCode } from '../exit-codes'
import { printJson, type CliIo, type GlobalOptions } from '../io'
import { describeItem } from '../plan-output'
import { openCliSession } from '../session'
import { renderTable } from '../table'
import { DrydockError } from '../../shared/errors'

export interface HistoryFlags {
  limit: number
  automatic?: boolean
  run?: string
  format?: 'table' | 'csv'
}

export async function historyCommand(
  io: CliIo,
  options: GlobalOptions,
  flags: HistoryFlags,
): Promise<ExitCode> {
  // History reads the log only; the engine host's warnings do not concern it.
  const session = openCliSession(options, io, 'in-process', 'none')
  try {
    // A run a crash interrupted is settled first when its engine answers; offline, as it is.
    await session.service.connections.settleInterrupted()
    if (flags.automatic) {
      const entries = session.service.log.open().automation.list(flags.limit)
      if (options.json) printJson(io, entries)
      else if (entries.length === 0) io.stdout.write('No automatic cleanup was due yet.\n')
      else {
        io.stdout.write(
          renderTable(entries, [
            { header: 'AT', value: (entry) => entry.at.replace('T', ' ').slice(0, 19) },
            { header: 'TRIGGER', value: (entry) => entry.trigger },
            { header: 'OUTCOME', value: (entry) => entry.outcome },
            { header: 'RUN', value: (entry) => entry.runId?.slice(0, 8) ?? '' },
            { header: 'WHY', value: (entry) => entry.reason, max: 90 },
          ]),
        )
      }
      return EXIT.ok
    }
    if (flags.run) {
      const run = await session.client.getRun({ id: flags.run })
      if (!run)
        return reportError(
          io,
          new DrydockError('invalid-request', `No run ${flags.run} in the log.`),
        )
      if (options.json) printJson(io, run)
      else if (flags.format === 'csv') io.stdout.write(runsToCsv([run]))
      else printRun(io, run)
      return EXIT.ok
    }
    const summaries = await session.client.listRuns({ limit: flags.limit })
    const runs: RunDetail[] = []
    for (const summary of summaries) {
      const detail = await session.client.getRun({ id: summary.id })
      if (detail) runs.push(detail)
    }
    if (options.json) {
      printJson(io, runs)
      return EXIT.ok
    }
    if (flags.format === 'csv') {
      io.stdout.write(runsToCsv(runs))
      return EXIT.ok
    }
    if (runs.length === 0) {
      io.stdout.write('No cleanups recorded yet.\n')
      return EXIT.ok
    }
    io.stdout.write(
      renderTable(runs, [
        { header: 'STARTED', value: (run) => run.startedAt.replace('T', ' ').slice(0, 19) },
        { header: 'RUN', value: (run) => run.id.slice(0, 8) },
        { header: 'STATUS', value: (run) => run.status },
        { header: 'TRIGGER', value: (run) => run.trigger },
        { header: 'ITEMS', value: (run) => String(run.itemCount), align: 'right' },
        { header: 'FREED', value: (run) => formatBytes(run.reclaimedBytes ?? 0), align: 'right' },
        { header: 'PREDICTED', value: (run) => formatBytes(run.predictedBytes), align: 'right' },
        { header: 'ENGINE', value: (run) => run.engineHost, max: 40 },
      ]),
    )
    return EXIT.ok
  } catch (error) {
    return reportError(io, error)
  } finally {
    session.close()
  }
}

function printRun(io: CliIo, run: RunDetail): void {
  io.stdout.write(
    `Run ${run.id} (${run.status}), ${run.trigger}, ${run.mode}, started ${run.startedAt}${run.finishedAt ? `, finished ${run.finishedAt}` : ''}\n`,
  )
  io.stdout.write(
    renderTable(run.items, [
      {
        header: 'NAME',
        value: (item) => describeItem(item),
        max: 48,
      },
      { header: 'PLANNED', value: (item) => item.predictedAction },
      { header: 'OUTCOME', value: (item) => item.outcome ?? '(not reached)' },
      { header: 'FREED', value: (item) => formatBytes(item.reclaimedBytes ?? 0), align: 'right' },
      { header: 'NOTE', value: (item) => item.error ?? '', max: 80 },
    ]),
  )
  io.stdout.write(
    `Freed ${formatBytes(run.reclaimedBytes ?? 0)} of ${formatBytes(run.predictedBytes)} predicted.\n`,
  )
  const restores = run.items
    .map(restoreCommand)
    .filter((command): command is string => command !== null)
  if (restores.length > 0)
    io.stdout.write(`To bring images back:\n${restores.map((c) => `  ${c}\n`).join('')}`)
}
