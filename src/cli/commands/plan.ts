/** `drydock plan SELECTION`: predict; change nothing. */
import { DrydockError } from '../../shared/errors'
import { reportError } from '../errors'
import { EXIT, type ExitCode } from '../exit-codes'
import { printJson, type CliIo, type GlobalOptions } from '../io'
import { printPlan } from '../plan-output'
import { followPlan } from '../plan-progress'
import { selectionFrom } from '../selection-options'
import { openCliSession } from '../session'

export async function planCommand(
  io: CliIo,
  options: GlobalOptions,
  flags: Parameters<typeof selectionFrom>[0],
): Promise<ExitCode> {
  const parsed = selectionFrom(flags)
  if (!parsed.ok) return reportError(io, new DrydockError('invalid-request', parsed.message))
  const session = openCliSession(options, io)
  const stopFollowing = followPlan(io, session, { header: !options.json })
  try {
    const plan = await session.client.planCleanup(parsed.selection)
    stopFollowing()
    if (options.json) printJson(io, plan)
    else printPlan(io, plan)
    return EXIT.ok
  } catch (error) {
    return reportError(io, error)
  } finally {
    stopFollowing()
    session.close()
  }
}
