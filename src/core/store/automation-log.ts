/** Each time an automatic cleanup was due: what happened and why (migration 5). */
import { randomUUID } from 'node:crypto'
import type BetterSqlite3 from 'better-sqlite3'
import type { AutomaticRun } from '../../shared/automation'
import { withStoreErrors } from './errors'

interface Row {
  id: string
  at: string
  trigger: AutomaticRun['trigger']
  outcome: AutomaticRun['outcome']
  reason: string
  run_id: string | null
  engine_host: string
}

export class AutomationLog {
  private readonly insert: BetterSqlite3.Statement
  private readonly recent: BetterSqlite3.Statement<[number], Row>

  constructor(private readonly db: BetterSqlite3.Database) {
    this.insert = db.prepare(
      `INSERT INTO automatic_runs (id, at, trigger, outcome, reason, run_id, engine_host)
       VALUES (@id, @at, @trigger, @outcome, @reason, @runId, @engineHost)`,
    )
    this.recent = db.prepare('SELECT * FROM automatic_runs ORDER BY at DESC, rowid DESC LIMIT ?')
  }

  record(entry: Omit<AutomaticRun, 'id'>): AutomaticRun {
    const row = { id: randomUUID(), ...entry }
    withStoreErrors(this.db, () => this.insert.run(row))
    return row
  }

  list(limit = 20): AutomaticRun[] {
    return withStoreErrors(this.db, () => this.recent.all(limit)).map((row) => ({
      id: row.id,
      at: row.at,
      trigger: row.trigger,
      outcome: row.outcome,
      reason: row.reason,
      runId: row.run_id,
      engineHost: row.engine_host,
    }))
  }
}
