/**
 * Past runs as text: the restore hint and the CSV export. Apart from history.ts's schemas so the
 * window loads no zod for them (its first paint waits for every module it imports).
 */
import type { RunDetail } from './history'
import { forCsv } from './sanitize'

/**
 * A repository digest as the engine reports it: `[registry[:port]/]path@sha256:<64 hex>`, in
 * lower case, components joined by the reference grammar's separators. Nothing a shell would
 * read as more than one word (no spaces, quotes, `$`, `;`, backticks), and no leading `-`.
 */
const DIGEST_REFERENCE =
  /^[a-z0-9]+(?:(?:[._]|__|-+|\/)[a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*@sha256:[0-9a-f]{64}$/

/** Whether `reference` is a digest reference that is safe to print as a command's argument. */
export function isDigestReference(reference: string): boolean {
  return reference.length <= 512 && DIGEST_REFERENCE.test(reference)
}

/**
 * The command that brings a removed image back, when it came from a registry: its repository
 * digest names the exact content. Images built or loaded locally have none and cannot be pulled;
 * a digest that is not a well-formed reference (the log holds what the engine said) gets no hint.
 */
export function restoreCommand(item: { digests: string[]; outcome: string | null }): string | null {
  if (item.outcome !== 'deleted' && item.outcome !== 'untagged') return null
  const digest = item.digests.find(isDigestReference)
  return digest ? `docker pull ${digest}` : null
}

const CSV_COLUMNS = [
  'run_id',
  'started_at',
  'finished_at',
  'status',
  'trigger',
  'mode',
  'engine_host',
  'seq',
  'kind',
  'id',
  'name',
  'tags',
  'digests',
  'predicted_action',
  'predicted_bytes',
  'outcome',
  'reclaimed_bytes',
  'error',
] as const

function csvField(value: string | number | null): string {
  // Numbers are written as they are; text from the engine or the log is neutralized.
  const text = value === null ? '' : typeof value === 'number' ? String(value) : forCsv(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** One line per item (RFC 4180), for spreadsheets and audits. */
export function runsToCsv(runs: RunDetail[]): string {
  const lines = [CSV_COLUMNS.join(',')]
  for (const run of runs) {
    for (const item of run.items) {
      lines.push(
        [
          run.id,
          run.startedAt,
          run.finishedAt,
          run.status,
          run.trigger,
          run.mode,
          run.engineHost,
          item.seq,
          item.kind,
          item.id,
          item.name,
          item.tags.join(' '),
          item.digests.join(' '),
          item.predictedAction,
          item.predictedBytes,
          item.outcome,
          item.reclaimedBytes,
          item.error,
        ]
          .map(csvField)
          .join(','),
      )
    }
  }
  return `${lines.join('\r\n')}\r\n`
}
