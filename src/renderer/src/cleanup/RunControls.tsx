/**
 * Starting a run. A safe plan asks once, in a dialog. A forced plan asks for a deliberate act:
 * typing how many items it changes; until then its (differently styled) button stays disabled.
 * A plan that removes a named volume (someone's data) asks in a dialog that names each one, with
 * its size, its container and its compose project, and only after the same deliberate act.
 */
import { useId, useState, type ReactNode } from 'react'
import type { Plan } from '../../../shared/cleanup'
import { formatBytes } from '../../../shared/format'
import type { VolumeView } from '../../../shared/kinds'
import { describeCounts } from '../kinds/words'
import { ConfirmDialog } from './ConfirmDialog'
import { isForcedPlan, runnableItems } from './describe'
import { NamedVolumesTable, namedVolumesOf } from './NamedVolumes'

export function RunControls({
  plan,
  volumes,
  onRun,
}: {
  plan: Plan
  /** The engine's volumes by name, to tell named ones from anonymous; null when unknown (then
   * every volume counts as named). */
  volumes: ReadonlyMap<string, VolumeView> | null
  onRun: () => void
}): ReactNode {
  const runnable = runnableItems(plan)
  if (runnable.length === 0) {
    return (
      <p className="run-controls run-controls--nothing" role="status">
        Nothing to remove: no item in this plan can change. Choose another policy or selection.
      </p>
    )
  }
  const named = namedVolumesOf(plan, volumes)
  if (named.length > 0) return <NamedVolumesRun plan={plan} volumes={volumes} onRun={onRun} />
  return isForcedPlan(plan) ? (
    <ForcedRun plan={plan} onRun={onRun} />
  ) : (
    <SafeRun plan={plan} onRun={onRun} />
  )
}

function SafeRun({ plan, onRun }: { plan: Plan; onRun: () => void }): ReactNode {
  const [asking, setAsking] = useState(false)
  const runnable = runnableItems(plan)
  const what = describeCounts(runnable)
  return (
    <div className="run-controls">
      <button type="button" className="button button--primary" onClick={() => setAsking(true)}>
        Run cleanup
      </button>
      <span className="muted">
        {what} to remove{runnable.some((item) => item.action === 'untag') ? ' or untag' : ''} ·
        frees {formatBytes(plan.reclaimBytes)}
      </span>
      <ConfirmDialog
        open={asking}
        title="Run this cleanup?"
        confirmLabel={`Remove ${what}`}
        onCancel={() => setAsking(false)}
        onConfirm={() => {
          setAsking(false)
          onRun()
        }}
      >
        <p>
          Drydock will remove {what} as listed, checking each against the engine first, and free
          about {formatBytes(plan.reclaimBytes)}. The run is recorded in History.
        </p>
      </ConfirmDialog>
    </div>
  )
}

function ForcedRun({ plan, onRun }: { plan: Plan; onRun: () => void }): ReactNode {
  const [typed, setTyped] = useState('')
  const hintId = useId()
  const runnable = runnableItems(plan)
  const count = runnable.length
  const confirmed = typed.trim() === String(count)
  return (
    <div className="run-controls run-controls--forced" data-testid="forced-confirmation">
      <label className="forced-confirm">
        <span id={hintId}>
          To confirm, type the number of items this forced cleanup changes: <strong>{count}</strong>
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
        Force remove {describeCounts(runnable)}
      </button>
    </div>
  )
}

function NamedVolumesRun({
  plan,
  volumes,
  onRun,
}: {
  plan: Plan
  volumes: ReadonlyMap<string, VolumeView> | null
  onRun: () => void
}): ReactNode {
  const [asking, setAsking] = useState(false)
  const [typed, setTyped] = useState('')
  const hintId = useId()
  const runnable = runnableItems(plan)
  const named = namedVolumesOf(plan, volumes)
  const count = named.length
  const confirmed = typed.trim() === String(count)
  const others = runnable.length - count
  const close = (): void => {
    setAsking(false)
    setTyped('')
  }
  return (
    <div className="run-controls run-controls--forced" data-testid="named-volume-run">
      <button type="button" className="button button--danger" onClick={() => setAsking(true)}>
        Remove {describeCounts(runnable)}…
      </button>
      <span className="muted">
        {count === 1
          ? 'Includes a named volume: you will see it, with its size and its container, before you confirm.'
          : `Includes ${count} named volumes: you will see each, with its size and its container, before you confirm.`}
      </span>
      <ConfirmDialog
        open={asking}
        title={count === 1 ? 'Delete a named volume?' : `Delete ${count} named volumes?`}
        confirmLabel={count === 1 ? 'Delete the named volume' : `Delete ${count} named volumes`}
        confirmDisabled={!confirmed}
        tone="danger"
        wide
        testId="named-volume-confirmation"
        onCancel={close}
        onConfirm={() => {
          if (!confirmed) return
          close()
          onRun()
        }}
      >
        <p>
          Named volumes hold data someone chose to keep (databases, uploads, caches). Removing{' '}
          {count === 1 ? 'this one deletes its files' : 'these deletes their files'} for good:
          Drydock cannot bring {count === 1 ? 'it' : 'them'} back.
        </p>
        <NamedVolumesTable items={named} volumes={volumes} />
        {others > 0 ? (
          <p>
            The cleanup also removes {describeCounts(runnable.filter((i) => !named.includes(i)))} as
            listed{isForcedPlan(plan) ? ', forced: read what it does above' : ''}.
          </p>
        ) : null}
        <label className="forced-confirm named-confirm">
          <span id={hintId}>
            To confirm, type the number of named volumes to delete: <strong>{count}</strong>
          </span>
          <input
            className="dd-input dd-input--number"
            inputMode="numeric"
            autoComplete="off"
            aria-label={`Type ${count} to confirm deleting the named volume${count === 1 ? '' : 's'}`}
            aria-describedby={hintId}
            value={typed}
            onChange={(event) => setTyped(event.target.value)}
          />
        </label>
      </ConfirmDialog>
    </div>
  )
}
