/**
 * Parsing untrusted payloads against the contract. Used by every transport on the way in, so a
 * bad payload fails the same way over IPC, HTTP and in-process.
 */
import type { z } from 'zod'
import { isMethodName, type MethodName } from './channels'
import { methods, type MethodRequest } from './contract'
import { DrydockError } from './errors'

export interface SchemaIssue {
  path: string
  message: string
}

function describeIssues(error: z.ZodError): SchemaIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.length === 0 ? '(request)' : issue.path.map(String).join('.'),
    message: issue.message,
  }))
}

export function assertMethodName(method: unknown): MethodName {
  if (!isMethodName(method)) {
    throw new DrydockError('unknown-method', `There is no method named ${JSON.stringify(method)}.`)
  }
  return method
}

/** Parses a request; `undefined` counts as `{}` so argument-less calls need not send a body. */
export function parseRequest<M extends MethodName>(method: M, payload: unknown): MethodRequest<M> {
  const schema = methods[method].request
  const result = schema.safeParse(payload === undefined ? {} : payload)
  if (!result.success) {
    const issues = describeIssues(result.error)
    const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')
    throw new DrydockError('invalid-request', `Invalid request for ${method}: ${summary}`, {
      issues,
    })
  }
  return result.data as MethodRequest<M>
}

/** Checks an answer against the method's response schema (the tests' guard on the service). */
export function parseResponse(
  method: MethodName,
  value: unknown,
): { ok: true } | { ok: false; summary: string } {
  const result = methods[method].response.safeParse(value)
  if (result.success) return { ok: true }
  const summary = describeIssues(result.error)
    .map((issue) => `${issue.path}: ${issue.message}`)
    .join('; ')
  return { ok: false, summary }
}
