/**
 * History's filters as they live in the hash
 * (`#/history?trigger=cli&status=done&engine=unix:///var/run/docker.sock&from=2025-01-01`)
 * and as listRuns takes them. Dates are whole local days: `to` includes the day it names.
 */
import type { MethodRequest } from '../../../shared/contract'
import { STATUS_LABELS, TRIGGER_LABELS, type RunStatus, type RunTrigger } from './describe-run'

export interface RunFilters {
  trigger: RunTrigger | null
  status: RunStatus | null
  /** Only the runs on this engine (its host). */
  engine: string | null
  /** `YYYY-MM-DD`, local. */
  from: string | null
  to: string | null
}

export const NO_FILTERS: RunFilters = {
  trigger: null,
  status: null,
  engine: null,
  from: null,
  to: null,
}

const DATE = /^\d{4}-\d{2}-\d{2}$/

function oneOf<T extends string>(value: string | null, labels: Record<T, string>): T | null {
  return value !== null && Object.hasOwn(labels, value) ? (value as T) : null
}

export function filtersFromQuery(query: URLSearchParams): RunFilters {
  const date = (name: string): string | null => {
    const value = query.get(name)
    return value !== null && DATE.test(value) ? value : null
  }
  return {
    trigger: oneOf(query.get('trigger'), TRIGGER_LABELS),
    status: oneOf(query.get('status'), STATUS_LABELS),
    engine: query.get('engine') || null,
    from: date('from'),
    to: date('to'),
  }
}

/** Local midnight at the start of a `YYYY-MM-DD` day, plus `days`. */
function localDay(date: string, days = 0): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number]
  return new Date(year, month - 1, day + days)
}

export type RunQuery = Omit<MethodRequest<'listRuns'>, 'limit' | 'beforeStartedAt' | 'beforeId'>

export function runQuery(filters: RunFilters): RunQuery {
  const query: RunQuery = {}
  if (filters.trigger) query.triggers = [filters.trigger]
  if (filters.status) query.statuses = [filters.status]
  if (filters.engine) query.engineHost = filters.engine
  if (filters.from) query.from = localDay(filters.from).toISOString()
  if (filters.to) query.to = localDay(filters.to, 1).toISOString()
  return query
}

export function hasFilters(filters: RunFilters): boolean {
  return Object.values(filters).some((value) => value !== null)
}

/** Whether a date range is backwards (the user's mistake, said next to the fields). */
export function rangeError(filters: RunFilters): string | null {
  if (filters.from && filters.to && filters.from > filters.to) {
    return 'The “from” date is after the “to” date.'
  }
  return null
}
