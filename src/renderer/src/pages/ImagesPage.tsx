/** Images: for now the engine's own count, and what the inventory shows once it is read. */
import type { ReactNode } from 'react'
import { ImagesIcon } from '../components/Icons'
import { EmptyState } from '../components/EmptyState'
import { EngineUnreachable } from '../components/EngineUnreachable'
import { ConnectionErrorBanner } from '../components/ConnectionErrorBanner'
import { PageHeader } from '../components/PageHeader'
import { SkeletonCard } from '../components/Skeleton'
import { StatRow, StatTile } from '../components/StatTile'
import { describeHost, plural } from '../describe'
import { useConnectionView } from '../hooks/useConnection'

export function ImagesPage(): ReactNode {
  const { display: state, error, retrying, retry } = useConnectionView()

  if (!state || state.status === 'connecting') {
    return (
      <>
        <PageHeader title="Images" subtitle="Every image the engine stores, and what uses it." />
        <ConnectionErrorBanner />
        {error && !state ? null : (
          <div aria-busy="true">
            <p className="visually-hidden">Waiting for the engine to answer.</p>
            <SkeletonCard lines={3} />
          </div>
        )}
      </>
    )
  }

  if (state.status === 'unreachable') {
    return (
      <>
        <PageHeader title="Images" subtitle="Every image the engine stores, and what uses it." />
        <ConnectionErrorBanner />
        <EngineUnreachable state={state} retrying={retrying} onRetry={retry} compact />
      </>
    )
  }

  const { engine } = state
  return (
    <>
      <PageHeader
        title="Images"
        subtitle={`Images stored by the engine at ${describeHost(engine.host)}.`}
      />
      <ConnectionErrorBanner />
      <StatRow label="Image totals">
        <StatTile label="Images" value={engine.images.toLocaleString()} testId="images-count" />
        <StatTile
          label="Containers"
          value={engine.containers.toLocaleString()}
          note={`${engine.containersRunning.toLocaleString()} running`}
        />
        <StatTile label="Storage driver" value={engine.storageDriver} />
      </StatRow>
      {engine.images === 0 ? (
        <EmptyState icon={<ImagesIcon size={28} />} title="This engine has no images">
          <p>
            Images you pull or build appear here with their tags, size, the layers they share and
            the containers that use them.
          </p>
        </EmptyState>
      ) : (
        <EmptyState
          icon={<ImagesIcon size={28} />}
          title={`Docker reports ${plural(engine.images, 'image')}; the inventory has not been read yet`}
        >
          <p>
            The inventory lists each image with its tags and digests, its size on disk, the layers
            it shares with other images, and the containers that use it — the same facts a cleanup
            plan is built from, so you can see what a cleanup would touch before planning one.
          </p>
          <p className="muted">
            The count above is the engine’s own figure, as <code>docker info</code> reports it.
          </p>
        </EmptyState>
      )}
    </>
  )
}
