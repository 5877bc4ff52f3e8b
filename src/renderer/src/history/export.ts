/**
 * Exporting the filtered history as a file: every matching run with its items, as CSV (one line
 * per item, `runsToCsv`) or JSON (what `drydock history --json` prints), saved through a download.
 */
import type { DrydockClient } from '../../../shared/contract'
import { runsToCsv } from '../../../shared/history-text'
import type { RunDetail, RunSummary } from '../../../shared/history'
import type { RunQuery } from './filters'

const BATCH = 1000
const PARALLEL_DETAILS = 6

async function allRuns(client: DrydockClient, query: RunQuery): Promise<RunSummary[]> {
  const runs: RunSummary[] = []
  for (;;) {
    const last = runs.at(-1)
    const page = await client.listRuns({
      ...query,
      limit: BATCH,
      ...(last ? { beforeStartedAt: last.startedAt, beforeId: last.id } : {}),
    })
    runs.push(...page)
    if (page.length < BATCH) return runs
  }
}

/** Every run the filters match, newest first, each with its items. */
export async function runDetails(client: DrydockClient, query: RunQuery): Promise<RunDetail[]> {
  const runs = await allRuns(client, query)
  const details: (RunDetail | null)[] = new Array(runs.length).fill(null)
  let next = 0
  async function worker(): Promise<void> {
    while (next < runs.length) {
      const index = next++
      details[index] = await client.getRun({ id: runs[index]!.id })
    }
  }
  await Promise.all(Array.from({ length: PARALLEL_DETAILS }, worker))
  // A run deleted from the log between the two calls is left out rather than failing the export.
  return details.filter((detail): detail is RunDetail => detail !== null)
}

export type ExportFormat = 'csv' | 'json'

export function exportFile(
  runs: RunDetail[],
  format: ExportFormat,
  now = new Date(),
): { name: string; blob: Blob } {
  const stamp = now.toISOString().slice(0, 19).replace(/[:T]/g, '-')
  if (format === 'csv') {
    return {
      name: `drydock-history-${stamp}.csv`,
      blob: new Blob([runsToCsv(runs)], { type: 'text/csv;charset=utf-8' }),
    }
  }
  return {
    name: `drydock-history-${stamp}.json`,
    blob: new Blob([`${JSON.stringify(runs, null, 2)}\n`], { type: 'application/json' }),
  }
}

/** Saves a file the way a web page can: a temporary object URL behind an a[download]. */
export function download({ name, blob }: { name: string; blob: Blob }): void {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = name
  link.hidden = true
  document.body.append(link)
  link.click()
  link.remove()
  // The click starts the download synchronously; the URL can go once this task is over.
  setTimeout(() => URL.revokeObjectURL(url), 0)
}
