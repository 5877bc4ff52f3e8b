/**
 * Which process writes a run. The app and the CLI share the log, so when one starts it must not
 * call "interrupted" a run that the other is still writing: only runs whose process is gone are.
 */
import { hostname } from 'node:os'

export interface RunOwner {
  pid: number
  host: string
}

/** Runs this process has started and not finished. */
const openInThisProcess = new Set<string>()

export function currentOwner(): RunOwner {
  return { pid: process.pid, host: hostname() }
}

export function runOpened(runId: string): void {
  openInThisProcess.add(runId)
}

export function runClosed(runId: string): void {
  openInThisProcess.delete(runId)
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as { code?: unknown }).code === 'EPERM'
  }
}

export function isRunOwnerAlive(runId: string, pid: number | null, host: string | null): boolean {
  // A run from another machine (a renamed host, a copied file) cannot be checked; its writer is
  // not here, so it is treated as gone.
  if (pid === null || host !== hostname()) return false
  // This process's pid on a run it did not open: an earlier process that had the same pid.
  if (pid === process.pid) return openInThisProcess.has(runId)
  return processExists(pid)
}
