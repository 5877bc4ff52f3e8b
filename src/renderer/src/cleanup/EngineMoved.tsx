/**
 * The plan on screen was made on another engine than the one the window shows now (the engine
 * switcher was used meanwhile). It stays, so what was reviewed is not swapped under the Run
 * button; the service refuses to run it on this engine, and this says so before anyone tries.
 */
import type { ReactNode } from 'react'
import type { Plan } from '../../../shared/cleanup'
import { PlugOffIcon } from '../components/Icons'
import { engineName, engineWhere } from '../engines/engine-words'

export function EngineMoved({
  plan,
  shown,
  onPlanAgain,
}: {
  plan: Plan
  /** The host the window shows now. */
  shown: string
  onPlanAgain: () => void
}): ReactNode {
  const made = plan.engine.host
  return (
    <div className="banner banner--alert" role="status" data-testid="plan-engine-moved">
      <PlugOffIcon className="banner__icon" size={20} />
      <div className="banner__body">
        <p className="banner__title">
          This plan was made on {engineName({ host: made, name: '' })}; the window now shows{' '}
          {engineName({ host: shown, name: '' })}.
        </p>
        <p className="banner__message">
          Made on {engineWhere(made)}; shown now: {engineWhere(shown)}. Its items belong to the
          other engine, so Drydock will not run it here. Make the plan again to see what would be
          removed on the engine shown now.
        </p>
      </div>
      <div className="banner__actions">
        <button
          type="button"
          className="button button--small button--primary"
          onClick={onPlanAgain}
        >
          Make the plan again
        </button>
      </div>
    </div>
  )
}
