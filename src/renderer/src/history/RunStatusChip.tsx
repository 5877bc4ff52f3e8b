import type { ReactNode } from 'react'
import { STATUS_LABELS, statusTone, type RunStatus } from './describe-run'

export function RunStatusChip({ status }: { status: RunStatus }): ReactNode {
  return (
    <span className={`chip chip--${statusTone(status)}`} data-status={status}>
      {STATUS_LABELS[status]}
    </span>
  )
}
