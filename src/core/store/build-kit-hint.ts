/**
 * One question to the log before it is opened for real (the CLI's early reads, src/cli/early.ts):
 * has it seen an image built by BuildKit? Read-only, and never an error: a missing, locked or
 * older log simply says no.
 */
import Database from 'better-sqlite3'
import { BUILDKIT_ROW } from './buildkit-row'

export function knowsBuildKit(path: string): boolean {
  let db: Database.Database | null = null
  try {
    db = new Database(path, { readonly: true, fileMustExist: true })
    return db.prepare(BUILDKIT_ROW).get() !== undefined
  } catch {
    return false
  } finally {
    db?.close()
  }
}
