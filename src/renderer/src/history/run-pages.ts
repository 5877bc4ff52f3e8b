/** History's pages of runs, pure: the page size and how a refreshed first page merges in. */
import type { RunSummary } from '../../../shared/history'

export const PAGE_SIZE = 25

/**
 * The first page read again, in place of the runs it covers; older runs already loaded stay. A
 * short first page is the whole list.
 */
export function withFirstPage<P extends { runs: RunSummary[]; done: boolean }>(
  pages: P,
  first: RunSummary[],
): P {
  if (first.length < PAGE_SIZE) return { ...pages, runs: first, done: true }
  const oldest = first.at(-1)!.startedAt
  const ids = new Set(first.map((run) => run.id))
  const older = pages.runs.filter((run) => !ids.has(run.id) && run.startedAt < oldest)
  // Runs pushed off the first page and not loaded before are fetched by the next "Load more".
  const done = older.length === 0 ? false : pages.done
  return { ...pages, runs: [...first, ...older], done }
}
