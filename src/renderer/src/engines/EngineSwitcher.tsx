/**
 * The engine switcher in the top bar: which engine the window shows (its name and where it is),
 * and a panel listing the engines Drydock knows, each with "Show" (switchEngine: every page then
 * reads the new engine) and a "Follow in background" toggle (Settings' followedEngines: sampled,
 * with their own history and alerts, while another engine is shown). Another engine can be
 * named by its host. A disclosure, not a menu: Tab moves through it, Escape closes it.
 */
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react'
import type { EngineEntry } from '../../../shared/engines'
import { useClient } from '../client-context'
import { ChevronDownIcon, EngineIcon } from '../components/Icons'
import { Spinner } from '../components/Spinner'
import { errorMessage } from '../errors'
import { useConnectionView } from '../hooks/useConnection'
import { useLive } from '../hooks/useLive'
import { engineName, engineWhere, entryFor, hostLocation } from './engine-words'
import './engines.css'

type Busy = { kind: 'switch' | 'follow'; host: string } | null

export function EngineSwitcher(): ReactNode {
  const client = useClient()
  const { state, switchEngine } = useConnectionView()
  const host = state?.host ?? null
  const [open, setOpen] = useState(false)
  const [busy, setBusy] = useState<Busy>(null)
  const [error, setError] = useState<unknown>(null)
  const [draft, setDraft] = useState('')
  const [tick, setTick] = useState(0)
  const panelId = useId()
  const addId = useId()
  const rootRef = useRef<HTMLDivElement>(null)
  const buttonRef = useRef<HTMLButtonElement>(null)

  // Asked again when the shown engine changes, and after each change made here.
  const engines = useLive(
    // eslint-disable-next-line react-hooks/exhaustive-deps -- a new host is a new list.
    useCallback(() => client.listEngines(), [client, host]),
    tick,
  )
  const entries = engines.status === 'ready' ? engines.value : null
  // A toggle shows its new state at once; the list read after the change confirms it.
  const [optimistic, setOptimistic] = useState<{
    list: typeof entries
    followed: Record<string, boolean>
  }>({ list: entries, followed: {} })
  if (entries !== optimistic.list && !(engines.status === 'ready' && engines.refreshing)) {
    setOptimistic({ list: entries, followed: {} })
  }

  const close = useCallback((refocus: boolean) => {
    setOpen(false)
    setError(null)
    if (refocus) buttonRef.current?.focus()
  }, [])

  // A click anywhere else closes the panel (focus stays where the click put it).
  useEffect(() => {
    if (!open) return
    const onPointer = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) close(false)
    }
    document.addEventListener('pointerdown', onPointer)
    return () => document.removeEventListener('pointerdown', onPointer)
  }, [open, close])

  function show(target: string): void {
    if (busy) return
    setBusy({ kind: 'switch', host: target })
    setError(null)
    switchEngine(target).then(
      () => {
        setBusy(null)
        setDraft('')
        setTick((n) => n + 1)
        close(true)
      },
      (failure: unknown) => {
        setBusy(null)
        setError(failure)
      },
    )
  }

  function follow(entry: EngineEntry, followed: boolean): void {
    if (busy) return
    setBusy({ kind: 'follow', host: entry.host })
    setError(null)
    setOptimistic((now) => ({ ...now, followed: { ...now.followed, [entry.host]: followed } }))
    // Read first: the list may be older than Settings (another window, the CLI).
    client
      .getSettings()
      .then((settings) => {
        const others = settings.followedEngines.filter((each) => each !== entry.host)
        return client.updateSettings({
          followedEngines: followed ? [...others, entry.host] : others,
        })
      })
      .then(
        () => {
          setBusy(null)
          setTick((n) => n + 1)
        },
        (failure: unknown) => {
          setBusy(null)
          setError(failure)
          setOptimistic((now) => {
            const { [entry.host]: _undone, ...rest } = now.followed
            return { ...now, followed: rest }
          })
        },
      )
  }

  const current = host === null ? null : entryFor(entries, host)
  return (
    <div
      className="engine-switcher"
      ref={rootRef}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && open) {
          event.stopPropagation()
          close(true)
        }
      }}
    >
      <button
        type="button"
        ref={buttonRef}
        className="engine-switcher__button"
        aria-expanded={open}
        aria-controls={panelId}
        data-testid="engine-switcher"
        data-host={host ?? ''}
        onClick={() => (open ? close(false) : setOpen(true))}
      >
        <EngineIcon size={17} />
        <span className="visually-hidden">Engine: </span>
        <span className="engine-switcher__name" data-testid="engine-switcher-name">
          {current ? engineName(current) : 'Docker'}
        </span>
        {current ? (
          <span className="engine-switcher__where" title={engineWhere(current.host)}>
            {hostLocation(current.host)}
          </span>
        ) : null}
        <ChevronDownIcon size={15} />
      </button>
      <div
        id={panelId}
        className="engine-panel"
        hidden={!open}
        role="group"
        aria-label="Engines"
        data-testid="engine-panel"
      >
        <p className="engine-panel__title">Engines</p>
        {engines.status === 'loading' ? (
          <p className="muted">
            <Spinner size={13} /> Looking for engines…
          </p>
        ) : engines.status === 'error' ? (
          <p className="field__error">Could not list the engines: {errorMessage(engines.error)}</p>
        ) : (
          <ul className="engine-panel__list">
            {engines.value.map((entry) => (
              <EngineRow
                key={entry.host}
                entry={{ ...entry, followed: optimistic.followed[entry.host] ?? entry.followed }}
                busy={busy}
                onShow={() => show(entry.host)}
                onFollow={(followed) => follow(entry, followed)}
              />
            ))}
          </ul>
        )}
        <form
          className="engine-panel__add"
          onSubmit={(event) => {
            event.preventDefault()
            if (draft.trim() !== '') show(draft.trim())
          }}
        >
          <label htmlFor={addId}>Another engine</label>
          <div className="field__row">
            <input
              id={addId}
              type="text"
              spellCheck={false}
              placeholder="unix:///path/docker.sock, ssh://user@host"
              value={draft}
              onChange={(event) => setDraft(event.target.value)}
            />
            <button type="submit" className="button button--small">
              {busy?.kind === 'switch' && busy.host === draft.trim() ? <Spinner size={13} /> : null}
              Show
            </button>
          </div>
        </form>
        {error ? (
          <p className="field__error" role="alert" data-testid="engine-panel-error">
            {errorMessage(error)}
          </p>
        ) : null}
        <p className="field__hint">
          Followed engines are sampled in the background: their usage history and low-disk alerts go
          on while another engine is shown.
        </p>
      </div>
    </div>
  )
}

function EngineRow({
  entry,
  busy,
  onShow,
  onFollow,
}: {
  entry: EngineEntry
  busy: Busy
  onShow: () => void
  onFollow: (followed: boolean) => void
}): ReactNode {
  const name = engineName(entry)
  const mine = busy?.host === entry.host
  return (
    <li
      className="engine-panel__entry"
      data-testid="engine-entry"
      data-host={entry.host}
      data-current={entry.current || undefined}
      data-followed={entry.followed || undefined}
    >
      <div className="engine-panel__facts">
        <span className="engine-panel__name">
          {name}
          {entry.current ? <span className="chip chip--ok">Shown</span> : null}
        </span>
        <span className="engine-panel__where">{engineWhere(entry.host)}</span>
      </div>
      <div className="engine-panel__actions">
        <label className="engine-panel__follow">
          <input
            type="checkbox"
            checked={entry.followed}
            aria-disabled={busy !== null || undefined}
            onChange={(event) => onFollow(event.target.checked)}
          />
          Follow in background<span className="visually-hidden">: {name}</span>
          {mine && busy.kind === 'follow' ? <Spinner size={12} /> : null}
        </label>
        {entry.current ? null : (
          <button
            type="button"
            className="button button--small"
            aria-disabled={busy !== null || undefined}
            onClick={onShow}
          >
            {mine && busy.kind === 'switch' ? <Spinner size={13} /> : null}
            Show<span className="visually-hidden"> {name}</span>
          </button>
        )}
      </div>
    </li>
  )
}
