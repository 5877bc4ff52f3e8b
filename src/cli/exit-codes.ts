/** The CLI's exit codes: a contract with scripts (docs/architecture.md). */
export const EXIT = {
  ok: 0,
  someItemsFailed: 1,
  usage: 2,
  engineUnreachable: 3,
  logUnusable: 4,
  /** `drydock watch --once`: the check found a low-disk alert active. */
  alertActive: 5,
} as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]
