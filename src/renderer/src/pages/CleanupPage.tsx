/**
 * Cleanup preview and run: the exact plan before anything happens, a confirmation that matches
 * its risk, progress with Cancel while it runs, and what it really freed afterwards. What to plan
 * comes from the address (see cleanup/request.ts), so every entry point shares this page.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import type { Plan } from '../../../shared/cleanup'
import type { ConnectionState } from '../../../shared/contract'
import type { VolumeView } from '../../../shared/kinds'
import type { PolicyKinds } from '../../../shared/settings'
import { PlanHints } from '../cleanup/PlanHints'
import { PlanSummary } from '../cleanup/PlanSummary'
import { PlanTable } from '../cleanup/PlanTable'
import { RequestIntro } from '../cleanup/RequestIntro'
import { EngineMoved } from '../cleanup/EngineMoved'
import { RunControls } from '../cleanup/RunControls'
import { ResultView, RunningView } from '../cleanup/RunViews'
import {
  cleanupHash,
  parseCleanupRequest,
  selectionFor,
  type PagePolicy,
  type ValidRequest,
} from '../cleanup/request'
import { useCleanupRunContext } from '../cleanup/useCleanupRun'
import { useLocationHash } from '../cleanup/useLocationHash'
import { useClient } from '../client-context'
import { ConnectionErrorBanner } from '../components/ConnectionErrorBanner'
import { EmptyState } from '../components/EmptyState'
import { EngineUnreachable } from '../components/EngineUnreachable'
import { ErrorBanner } from '../components/ErrorBanner'
import { AlertIcon } from '../components/Icons'
import { PAGE_TITLE_ID, PageHeader } from '../components/PageHeader'
import { SkeletonCard } from '../components/Skeleton'
import { errorCode } from '../errors'
import { useAsync } from '../hooks/useAsync'
import { useConnectionView } from '../hooks/useConnection'
import '../cleanup/cleanup.css'

const TITLE = 'Cleanup'
const SUBTITLE = 'What will be removed, before anything is.'

export function CleanupPage(): ReactNode {
  const hash = useLocationHash()
  const request = useMemo(() => parseCleanupRequest(hash), [hash])
  const run = useCleanupRunContext()

  // A new address on this page (a hint's "Add…", the policy picker) replaces the preview and the
  // control that asked for it: keyboard users start again from the heading, not the document.
  const firstHash = useRef(hash)
  useEffect(() => {
    if (hash === firstHash.current) return
    firstHash.current = ''
    const active = document.activeElement
    if (!active || active === document.body) document.getElementById(PAGE_TITLE_ID)?.focus()
  }, [hash])

  // A run that is going, or whose result has not been shown yet, comes first, whatever the
  // address (the alert's "Review cleanup", a notification) and whatever the connection does: its
  // plan travels with it, so neither a reconnect's new plan nor a down engine can hide it. An
  // ended run stays at the address it started from or was first shown at; others get a preview.
  if (
    run.state.kind === 'running' ||
    ((run.state.kind === 'finished' || run.state.kind === 'failed') &&
      (run.state.shownAt === null || run.state.shownAt === hash || run.state.hash === hash))
  ) {
    return <RunSession key={`run:${run.state.hash}`} hash={hash} />
  }

  if (request.kind === 'invalid') {
    return (
      <>
        <PageHeader title={TITLE} subtitle={SUBTITLE} />
        <EmptyState
          tone="danger"
          icon={<AlertIcon size={28} />}
          title="This cleanup link is not valid"
          actions={
            <a className="button button--primary" href={cleanupHash({ kind: 'default-policy' })}>
              Preview the default policy
            </a>
          }
        >
          <p>{request.reason}</p>
        </EmptyState>
      </>
    )
  }
  // A new address is a new preview: nothing of the previous one carries over.
  return <CleanupSession key={hash} request={request} hash={hash} />
}

/** The run in progress, then its result (or why it failed), against the plan it ran. */
function RunSession({ hash }: { hash: string }): ReactNode {
  const run = useCleanupRunContext()
  const connection = useConnectionView().state
  const { state, markShown } = run
  const ended = state.kind === 'finished' || state.kind === 'failed'
  useEffect(() => {
    if (ended) markShown(hash)
  }, [ended, hash, markShown])

  const header = <PageHeader title={TITLE} subtitle={SUBTITLE} />
  // Making the plan again starts from the address the run was started from.
  const planAgain = (): void => {
    run.reset()
    if (state.kind !== 'idle' && window.location.hash !== state.hash)
      window.location.hash = state.hash
  }

  switch (state.kind) {
    case 'idle':
      return null
    case 'running':
      return (
        <>
          {header}
          <RunningView plan={state.plan} run={state} onCancel={run.cancel} />
        </>
      )
    case 'finished':
      return (
        <>
          {header}
          <ConnectionErrorBanner />
          <ResultView plan={state.plan} result={state.result} onPlanAgain={planAgain} />
        </>
      )
    case 'failed': {
      const expired = errorCode(state.error) === 'not-found'
      const elsewhere =
        errorCode(state.error) === 'engine-changed' ||
        (connection !== null && connection.host !== state.plan.engine.host)
      return (
        <>
          {header}
          <ConnectionErrorBanner />
          <ErrorBanner
            title={
              elsewhere
                ? 'This plan was made on another engine: nothing was removed'
                : expired
                  ? 'This plan has expired; make the plan again to see what would be removed now'
                  : 'The cleanup could not run'
            }
            error={state.error}
            onRetry={planAgain}
            retryLabel="Make the plan again"
          />
          {state.runId ? (
            <p>
              <a href={`#/history?run=${encodeURIComponent(state.runId)}`}>
                See what was recorded in History
              </a>
            </p>
          ) : null}
        </>
      )
    }
  }
}

type Connected = Extract<ConnectionState, { status: 'connected' }>

interface Planned {
  plan: Plan
  /** The policy shown in the picker (null for a selection made on the pages). */
  policy: PagePolicy | null
  /** What "Clean up safely" also removes, from Settings. */
  kinds: PolicyKinds
  /** The engine's volumes by name when the plan deletes any (named ones need a deliberate
   * confirmation); null when they could not be read (then each counts as named). */
  volumes: ReadonlyMap<string, VolumeView> | null
}

function CleanupSession({ request, hash }: { request: ValidRequest; hash: string }): ReactNode {
  const client = useClient()
  const { display: connection, retrying, retry } = useConnectionView()
  const connected: Connected | null = connection?.status === 'connected' ? connection : null
  const run = useCleanupRunContext()

  // Planning waits for the engine; a reconnect to the same engine plans again. After a switch to
  // another engine a plan on screen stays, bound to its engine (see EngineMoved), until the user
  // asks for a new one: what they reviewed is never replaced under the Run button.
  const [basis, setBasis] = useState<{ host: string; since: string } | null>(null)
  const since = basis?.since ?? null
  const load = useCallback(async (): Promise<Planned | null> => {
    if (since === null) return null
    // Settings are read each time: their protection applies to every cleanup.
    const settings = await client.getSettings()
    const plan = await client.planCleanup(selectionFor(request, settings))
    const policy =
      request.kind === 'default-policy'
        ? settings.defaultPolicy
        : request.kind === 'policy'
          ? request.policy
          : null
    const deletesVolumes = plan.items.some(
      (item) => item.kind === 'volume' && item.requests.length > 0,
    )
    const volumes = deletesVolumes
      ? await client.listVolumes().then(
          (list) => new Map(list.items.map((volume) => [volume.name, volume])),
          () => null,
        )
      : null
    return { plan, policy, kinds: settings.defaultPolicyKinds, volumes }
  }, [client, request, since])
  const planned = useAsync(load)
  const shown = planned.status === 'ready' && planned.value !== null
  if (
    connected &&
    (basis === null || (connected.host === basis.host ? connected.since !== basis.since : !shown))
  ) {
    setBasis({ host: connected.host, since: connected.since })
  }
  const moved = connected !== null && basis !== null && shown && connected.host !== basis.host

  const header = <PageHeader title={TITLE} subtitle={SUBTITLE} />
  const ready = planned.status === 'ready' ? planned.value : null
  const plan = ready?.plan

  const intro = (
    <RequestIntro
      request={request}
      policy={ready?.policy ?? (request.kind === 'policy' ? request.policy : null)}
      kinds={ready?.kinds ?? null}
    />
  )

  if (!connection || connection.status === 'connecting') {
    return (
      <>
        {header}
        <ConnectionErrorBanner />
        <PlanSkeleton />
      </>
    )
  }
  if (connection.status === 'unreachable') {
    return (
      <>
        {header}
        <ConnectionErrorBanner />
        <EngineUnreachable state={connection} retrying={retrying} onRetry={retry} compact />
      </>
    )
  }

  return (
    <>
      {header}
      <ConnectionErrorBanner />
      {intro}
      {planned.status === 'loading' || (planned.status === 'ready' && !planned.value) ? (
        <PlanSkeleton />
      ) : planned.status === 'error' ? (
        <ErrorBanner
          title="Could not make the plan"
          error={planned.error}
          onRetry={planned.reload}
          retryLabel="Make the plan again"
        />
      ) : plan && ready ? (
        <>
          {moved ? (
            <EngineMoved
              plan={plan}
              shown={connected.host}
              onPlanAgain={() => setBasis({ host: connected.host, since: connected.since })}
            />
          ) : null}
          <PlanSummary plan={plan} />
          <PlanHints plan={plan} request={request} />
          <RunControls plan={plan} volumes={ready.volumes} onRun={() => run.start(plan, hash)} />
          {plan.items.length === 0 ? (
            <p className="muted" role="status">
              Nothing matches this selection.
            </p>
          ) : (
            <PlanTable plan={plan} />
          )}
        </>
      ) : null}
    </>
  )
}

function PlanSkeleton(): ReactNode {
  return (
    <div aria-busy="true" className="stack">
      <p className="visually-hidden" role="status">
        Making the plan…
      </p>
      <SkeletonCard lines={3} />
      <SkeletonCard lines={5} />
    </div>
  )
}
