/** Turning whatever a client call rejected with into words for the UI. */
import { DrydockError, type ErrorCode } from '../../shared/drydock-error'

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}

export function errorCode(error: unknown): ErrorCode | null {
  return error instanceof DrydockError ? error.code : null
}
