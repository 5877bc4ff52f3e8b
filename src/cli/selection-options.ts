/** The SELECTION options shared by `plan` and `clean` (CLI contract: docs/architecture.md). */
import { InvalidArgumentError, type Command } from 'commander'
import { parseDuration, SelectionSchema, type Selection } from '../shared/cleanup'
import { parseSize } from '../shared/size'

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

function size(value: string): number {
  const parsed = parseSize(value)
  if (!parsed.ok || parsed.bytes === null) {
    throw new InvalidArgumentError('expected a size such as 5GB, 500MB or 1.5GiB.')
  }
  return parsed.bytes
}

export function addSelectionOptions(command: Command): Command {
  return command
    .option('--dangling', 'untagged images nothing needs (docker image prune)')
    .option('--unused', 'every image no container uses (docker image prune -a)')
    .option('--image <ref>', 'a named image: tag, ID or digest; repeat (docker rmi)', collect, [])
    .option('--force', 'with --image: as docker rmi -f; with --container: stop a running one')
    .option(
      '--with-containers',
      'with --image or --volume: stop and remove the containers using it first',
    )
    .option('--build-cache', 'build cache records not in use (docker builder prune -a)')
    .option(
      '--keep-storage <size>',
      'with --build-cache: keep the most recently used records up to SIZE (e.g. 5GB)',
      size,
    )
    .option('--cache-record <id>', 'one build cache record by ID; repeat', collect, [])
    .option('--stopped-containers', 'containers not running (docker container prune)')
    .option('--container <ref>', 'one container by name or ID; repeat', collect, [])
    .option('--unused-volumes', 'anonymous volumes no container mounts (never named ones)')
    .option(
      '--volume <name>',
      'one volume by name; repeat (no policy ever selects a named one)',
      collect,
      [],
    )
    .option(
      '--system',
      'what docker system prune removes: dangling images, stopped containers, unused build cache',
    )
    .option(
      '--older-than <dur>',
      'images built, containers stopped, build cache used more than DUR ago (30d, 12h, 90m)',
      duration,
    )
    .option(
      '--unused-for <dur>',
      'images no container has used for DUR (least recently used first; alone, implies --unused)',
      duration,
    )
    .option(
      '--accept-unknown-use',
      'with --unused-for or --target-size: go ahead although the engine may have lost uses',
    )
    .option(
      '--target-size <size>',
      'least recently used images and build cache go until they take at most SIZE (e.g. 30GB)',
      size,
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
  buildCache?: boolean
  keepStorage?: number
  cacheRecord?: string[]
  stoppedContainers?: boolean
  container?: string[]
  unusedVolumes?: boolean
  volume?: string[]
  system?: boolean
  acceptUnknownUse?: boolean
  targetSize?: number
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
  const otherKinds =
    flags.buildCache ||
    (flags.cacheRecord ?? []).length > 0 ||
    flags.stoppedContainers ||
    (flags.container ?? []).length > 0 ||
    flags.unusedVolumes ||
    (flags.volume ?? []).length > 0 ||
    flags.system
  const parsed = SelectionSchema.safeParse({
    dangling: flags.dangling ?? false,
    // --unused-for alone means images (as it always has); with other kinds it filters them.
    unused:
      (flags.unused ?? false) ||
      (flags.unusedFor !== undefined &&
        !otherKinds &&
        !flags.dangling &&
        flags.keepLast === undefined &&
        flags.targetSize === undefined &&
        flags.image.length === 0),
    images: flags.image,
    force: flags.force ?? false,
    withContainers: flags.withContainers ?? false,
    buildCache: flags.buildCache ?? false,
    keepStorage: flags.keepStorage ?? null,
    cacheRecords: flags.cacheRecord ?? [],
    stoppedContainers: flags.stoppedContainers ?? false,
    containers: flags.container ?? [],
    unusedVolumes: flags.unusedVolumes ?? false,
    volumes: flags.volume ?? [],
    system: flags.system ?? false,
    acceptUnknownUse: flags.acceptUnknownUse ?? false,
    targetSize: flags.targetSize ?? null,
    olderThan: flags.olderThan ?? null,
    unusedFor: flags.unusedFor ?? null,
    keepLast: flags.keepLast ?? null,
    protect: flags.protect,
    protectLabels: flags.protectLabel,
  })
  if (parsed.success) return { ok: true, selection: parsed.data }
  return { ok: false, message: parsed.error.issues.map((issue) => issue.message).join('; ') }
}
