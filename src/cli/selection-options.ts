/** The SELECTION options shared by `plan` and `clean` (CLI contract: docs/architecture.md). */
import { InvalidArgumentError, type Command } from 'commander'
import { parseDuration, SelectionSchema, type Selection } from '../shared/cleanup'

function collect(value: string, previous: string[]): string[] {
  return [...previous, value]
}

function duration(value: string): string {
  if (parseDuration(value) === null) {
    throw new InvalidArgumentError('expected a duration such as 30d, 12h, 90m or 2w.')
  }
  return value
}

function positiveInteger(value: string): number {
  if (!/^[1-9]\d*$/.test(value))
    throw new InvalidArgumentError('expected a whole number of 1 or more.')
  return Number(value)
}

function collectLabel(value: string, previous: string[]): string[] {
  if (!/^[^=\s]+(=.*)?$/.test(value)) throw new InvalidArgumentError('expected KEY or KEY=VALUE.')
  return [...previous, value]
}

export function addSelectionOptions(command: Command): Command {
  return command
    .option('--dangling', 'untagged images nothing needs (docker image prune)')
    .option('--unused', 'every image no container uses (docker image prune -a)')
    .option('--image <ref>', 'a named image: tag, ID or digest; repeat (docker rmi)', collect, [])
    .option('--force', 'with --image: as docker rmi -f')
    .option('--with-containers', 'with --image: stop and remove its containers first')
    .option('--older-than <dur>', 'only images built more than DUR ago (30d, 12h, 90m)', duration)
    .option(
      '--unused-for <dur>',
      'images no container has used for DUR (least recently used first; implies --unused)',
      duration,
    )
    .option('--keep-last <n>', 'keep the N newest tags of each repository', positiveInteger)
    .option('--protect <glob>', 'never touch matching references; repeat', collect, [])
    .option(
      '--protect-label <k[=v]>',
      'never touch images with that label; repeat',
      collectLabel,
      [],
    )
}

interface SelectionFlags {
  dangling?: boolean
  unused?: boolean
  image: string[]
  force?: boolean
  withContainers?: boolean
  olderThan?: string
  unusedFor?: string
  keepLast?: number
  protect: string[]
  protectLabel: string[]
}

/** The selection, or the sentence that says what is wrong with the flags. */
export function selectionFrom(
  flags: SelectionFlags,
): { ok: true; selection: Selection } | { ok: false; message: string } {
  const parsed = SelectionSchema.safeParse({
    dangling: flags.dangling ?? false,
    unused: (flags.unused ?? false) || flags.unusedFor !== undefined,
    images: flags.image,
    force: flags.force ?? false,
    withContainers: flags.withContainers ?? false,
    olderThan: flags.olderThan ?? null,
    unusedFor: flags.unusedFor ?? null,
    keepLast: flags.keepLast ?? null,
    protect: flags.protect,
    protectLabels: flags.protectLabel,
  })
  if (parsed.success) return { ok: true, selection: parsed.data }
  return { ok: false, message: parsed.error.issues.map((issue) => issue.message).join('; ') }
}
