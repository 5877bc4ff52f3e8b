/** Turning whatever a client call rejected with into words for the UI. */
import { DrydockError } from '../../shared/drydock-error'
import type { ErrorCode } from '../../shared/errors'

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}

export function errorCode(error: unknown): ErrorCode | null {
  return error instanceof DrydockError ? error.code : null
}
