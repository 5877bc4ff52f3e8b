/**
 * Errors that cross a transport (IPC, HTTP, in-process). A failure travels as a plain
 * `ErrorPayload` inside an envelope and is rebuilt as a `DrydockError` on the other side, so
 * callers can switch on `code` instead of parsing messages.
 */

export const ERROR_CODES = [
  /** The payload did not match the method's schema. */
  'invalid-request',
  /** No such method in the contract. */
  'unknown-method',
  /** The IPC call came from a frame that is not Drydock's own renderer. */
  'untrusted-sender',
  /** Browser mode: missing or wrong token, or a foreign Origin. */
  'unauthorized',
  /** The host setting is not a usable Docker host URL. */
  'invalid-host',
  /** The Docker engine cannot be reached. */
  'engine-unreachable',
  /** The engine answered with an error. */
  'engine-error',
  /** The local log (SQLite) cannot be opened or written; no cleanup runs without it. */
  'log-unusable',
  /** A plan id that this service does not hold (expired, or from another process). */
  'not-found',
  /** A plan made on another engine than the one connected now: it may not run here. */
  'engine-changed',
  /** A bug or an unexpected failure; the message says what happened. */
  'internal',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

export interface ErrorPayload {
  code: ErrorCode
  message: string
  /** Extra machine-readable facts, e.g. the schema issues of an invalid request. */
  details?: unknown
}

export class DrydockError extends Error {
  readonly code: ErrorCode
  readonly details: unknown

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message)
    this.name = 'DrydockError'
    this.code = code
    this.details = details
  }

  toPayload(): ErrorPayload {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details }
  }

  static fromPayload(payload: ErrorPayload): DrydockError {
    return new DrydockError(payload.code, payload.message, payload.details)
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value)
}

/** Any thrown value as a payload; unknown errors become `internal` with their message. */
export function toErrorPayload(error: unknown): ErrorPayload {
  if (error instanceof DrydockError) return error.toPayload()
  const message = error instanceof Error ? error.message : String(error)
  return { code: 'internal', message }
}

/** The result of one call as it crosses a transport. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorPayload }

export function isEnvelope(value: unknown): value is Envelope<unknown> {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false
  const candidate = value as { ok: unknown; error?: { code?: unknown; message?: unknown } }
  if (candidate.ok === true) return 'value' in candidate
  return (
    candidate.ok === false &&
    isErrorCode(candidate.error?.code) &&
    typeof candidate.error?.message === 'string'
  )
}

/** The message of anything thrown, for one sentence in a log, a terminal or a notice. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
