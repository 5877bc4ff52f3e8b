/**
 * Starting a run. A safe plan asks once, in a dialog. A forced plan asks for a deliberate act:
 * typing how many images it changes; until then its (differently styled) button stays disabled.
 */
import { useId, useState, type ReactNode } from 'react'
import type { Plan } from '../../../shared/cleanup'
import { formatBytes } from '../../../shared/format'
import { plural } from '../describe'
import { ConfirmDialog } from './ConfirmDialog'
import { isForcedPlan, runnableItems } from './describe'

export function RunControls({ plan, onRun }: { plan: Plan; onRun: () => void }): ReactNode {
  const count = runnableItems(plan).length
  if (count === 0) {
    return (
      <p className="run-controls run-controls--nothing" role="status">
        Nothing to remove: no image in this plan can change. Choose another policy or selection.
      </p>
    )
  }
  return isForcedPlan(plan) ? (
    <ForcedRun count={count} onRun={onRun} />
  ) : (
    <SafeRun plan={plan} count={count} onRun={onRun} />
  )
}

function SafeRun({
  plan,
  count,
  onRun,
}: {
  plan: Plan
  count: number
  onRun: () => void
}): ReactNode {
  const [asking, setAsking] = useState(false)
  return (
    <div className="run-controls">
      <button type="button" className="button button--primary" onClick={() => setAsking(true)}>
        Run cleanup
      </button>
      <span className="muted">
        {plural(count, 'image')} to remove or untag · frees {formatBytes(plan.reclaimBytes)}
      </span>
      <ConfirmDialog
        open={asking}
        title="Run this cleanup?"
        confirmLabel={`Remove ${plural(count, 'image')}`}
        onCancel={() => setAsking(false)}
        onConfirm={() => {
          setAsking(false)
          onRun()
        }}
      >
        <p>
          Drydock will remove {plural(count, 'image')} as listed, checking each against the engine
          first, and free about {formatBytes(plan.reclaimBytes)}. The run is recorded in History.
        </p>
      </ConfirmDialog>
    </div>
  )
}

function ForcedRun({ count, onRun }: { count: number; onRun: () => void }): ReactNode {
  const [typed, setTyped] = useState('')
  const hintId = useId()
  const confirmed = typed.trim() === String(count)
  return (
    <div className="run-controls run-controls--forced" data-testid="forced-confirmation">
      <label className="forced-confirm">
        <span id={hintId}>
          To confirm, type the number of images this forced cleanup changes:{' '}
          <strong>{count}</strong>
        </span>
        <input
          className="dd-input dd-input--number"
          inputMode="numeric"
          autoComplete="off"
          aria-label={`Type ${count} to confirm the forced cleanup`}
          aria-describedby={hintId}
          value={typed}
          onChange={(event) => setTyped(event.target.value)}
        />
      </label>
      <button
        type="button"
        className="button button--danger"
        disabled={!confirmed}
        onClick={() => {
          if (confirmed) onRun()
        }}
      >
        Force remove {plural(count, 'image')}
      </button>
    </div>
  )
}
