/**
 * `drydock clean SELECTION`: plan, show, confirm, then execute exactly that plan and record it in
 * the log. Without a terminal it needs --yes: a script must say so explicitly.
 */
import { countOutcomes, type CleanResult } from '../../shared/cleanup'
import { DrydockError } from '../../shared/errors'
import { formatBytes } from '../../shared/format'
import { runPlanToEnd } from '../../shared/run-plan'
import { forTerminal } from '../../shared/sanitize'
import { reportError } from '../errors'
import { EXIT, type ExitCode } from '../exit-codes'
import { printJson, type CliIo, type GlobalOptions } from '../io'
import { describeItem, planSummary, printPlan } from '../plan-output'
import { followPlan } from '../plan-progress'
import { selectionFrom } from '../selection-options'
import { openCliSession } from '../session'
import { renderTable } from '../table'

export async function cleanCommand(
  io: CliIo,
  options: GlobalOptions,
  flags: Parameters<typeof selectionFrom>[0] & { yes?: boolean; acceptNewLog?: boolean },
): Promise<ExitCode> {
  const parsed = selectionFrom(flags)
  if (!parsed.ok) return reportError(io, new DrydockError('invalid-request', parsed.message))
  if (!flags.yes && !io.interactive) {
    return reportError(
      io,
      new DrydockError(
        'invalid-request',
        'clean deletes images; without a terminal to confirm at, pass --yes.',
      ),
    )
  }
  const session = openCliSession(options, io)
  const stopFollowing = followPlan(io, session, { header: !options.json })
  try {
    // The log was replaced and its Settings lost: said at opening; --accept-new-log says "seen".
    if (flags.acceptNewLog) session.service.log.acknowledgeRecovery()
    // The after-run sample's probe (is statfs here the engine's?), while the plan is made.
    const sampleReady = session.service.prepareUsageSample()
    // The run's own event stream and first snapshot, as soon as the plan's lists are in.
    session.service.cleanups.prepareRun()
    const plan = await session.client.planCleanup(parsed.selection)
    stopFollowing()
    const work = plan.items.filter((item) => item.requests.length > 0)
    if (!options.json) printPlan(io, plan)
    if (!flags.yes && work.length > 0) {
      const confirmed = await io.confirm(`${planSummary(plan)}. Proceed?`)
      if (!confirmed) {
        io.stdout.write('Nothing was changed.\n')
        return EXIT.ok
      }
    }
    const showProgress = !options.json && io.interactive
    let runId: string | null = null
    // Ctrl-C stops between items: what is done stays done and journaled, the rest is not started.
    void io.untilInterrupted().then(() => {
      if (runId) void session.client.cancelCleanup({ runId })
    })
    let result: CleanResult
    try {
      result = await runPlanToEnd(
        session.client,
        { planId: plan.id, trigger: 'cli' },
        {
          onStarted: (id) => (runId = id),
          onProgress: ({ done, total, message }) => {
            if (showProgress) io.stdout.write(`\r\x1b[2K[${done}/${total}] ${forTerminal(message)}`)
          },
        },
      )
    } finally {
      if (showProgress) io.stdout.write('\r\x1b[2K')
    }
    if (options.json) printJson(io, result)
    else printResult(io, result)
    // After every run, a usage sample for the history (and the app's monitor); the result is
    // already printed, and a slow engine does not hold the command for long.
    await Promise.race([
      sampleReady.then(() => session.service.sampleUsage()).catch(() => null),
      new Promise((resolve) => setTimeout(resolve, SAMPLE_WAIT_MS).unref()),
    ])
    return result.items.some((item) => item.outcome === 'failed') ? EXIT.someItemsFailed : EXIT.ok
  } catch (error) {
    return reportError(io, error)
  } finally {
    stopFollowing()
    session.close()
  }
}

/** How long `clean` waits for its after-run usage sample before exiting without it. */
const SAMPLE_WAIT_MS = 3_000

function printResult(io: CliIo, result: CleanResult): void {
  if (result.items.length > 0) {
    io.stdout.write(
      renderTable(result.items, [
        { header: 'OUTCOME', value: (item) => item.outcome },
        { header: 'KIND', value: (item) => item.kind },
        { header: 'NAME', value: describeItem, max: 48 },
        { header: 'FREED', value: (item) => formatBytes(item.reclaimedBytes), align: 'right' },
        { header: 'NOTE', value: (item) => item.error ?? '', max: 100 },
      ]),
    )
  }
  const count = countOutcomes(result.items)
  io.stdout.write(
    `Run ${result.runId}: ${count.deleted} deleted, ${count.untagged} untagged, ${count.skipped} skipped, ${count.failed} failed — freed ${formatBytes(result.reclaimedBytes)} (predicted ${formatBytes(result.predictedBytes)})\n`,
  )
}
