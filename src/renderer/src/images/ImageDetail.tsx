/** An expanded row: the image's containers, family, references and the images it shares with. */
import { useCallback, type ReactNode } from 'react'
import { formatBytes, shortId } from '../../../shared/format'
import type { ImageSharer } from '../../../shared/images'
import { useClient } from '../client-context'
import { ErrorBanner } from '../components/ErrorBanner'
import { errorCode } from '../errors'
import { Spinner } from '../components/Spinner'
import { useAsync } from '../hooks/useAsync'
import { bytesTitle } from './cells'
import { isRunningState, type ImageRow } from './model'

const MAX_SHARERS = 5

function nameOf(id: string, byId: ReadonlyMap<string, ImageRow>): string {
  const row = byId.get(id)
  // Built since the list was read (another window, the CLI): not an untagged image.
  if (!row) return `${shortId(id)} (not in this list: refresh)`
  if (row.reference === '<none>') return `<none> ${shortId(id)}`
  return row.reference
}

function Section({ title, children }: { title: string; children: ReactNode }): ReactNode {
  return (
    <section className="image-detail__section">
      <h3 className="image-detail__title">{title}</h3>
      {children}
    </section>
  )
}

export function ImageDetail({
  row,
  byId,
}: {
  row: ImageRow
  byId: ReadonlyMap<string, ImageRow>
}): ReactNode {
  const { image } = row
  return (
    <div
      className="image-detail"
      role="group"
      aria-label={`Details of ${row.reference} (${row.shortId})`}
    >
      <Section title={`Containers (${image.containers.length})`}>
        {image.containers.length === 0 ? (
          <p className="muted">No container uses this image.</p>
        ) : (
          <ul className="image-detail__list">
            {image.containers.map((container) => (
              <li key={container.id}>
                <span className="mono">{container.name || shortId(container.id)}</span>{' '}
                <span
                  className={`state state--${isRunningState(container.state) ? 'running' : 'stopped'}`}
                >
                  {container.state}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section title="Family">
        <dl className="image-detail__facts">
          <dt>Parent</dt>
          <dd className="mono">{image.parentId ? nameOf(image.parentId, byId) : '—'}</dd>
          <dt>Children ({image.children.length})</dt>
          <dd>
            {image.children.length === 0 ? (
              '—'
            ) : (
              <ul className="image-detail__list">
                {image.children.map((id) => (
                  <li key={id} className="mono">
                    {nameOf(id, byId)}
                  </li>
                ))}
              </ul>
            )}
          </dd>
          <dt>Layers</dt>
          <dd>{image.layerCount}</dd>
        </dl>
      </Section>

      <Section title="References">
        {image.tags.length === 0 && image.digests.length === 0 ? (
          <p className="muted">No tag or digest: only its ID names it.</p>
        ) : (
          <ul className="image-detail__list">
            {image.tags.map((tag) => (
              <li key={tag} className="mono">
                {tag}
              </li>
            ))}
            {image.digests.map((digest) => (
              <li key={digest} className="mono image-detail__digest" title={digest}>
                {digest}
              </li>
            ))}
          </ul>
        )}
        <p className="mono image-detail__id" title="Image ID">
          {image.id}
        </p>
      </Section>

      <Section title="Shares most bytes with">
        <Sharers imageId={image.id} byId={byId} />
      </Section>
    </div>
  )
}

/**
 * Sharers already answered, per list: details scrolled out of the virtualized table and back show
 * them at once instead of a spinner that changes the row's height under the pointer.
 */
const answeredSharers = new WeakMap<ReadonlyMap<string, ImageRow>, Map<string, ImageSharer[]>>()

/** Asked for when the details open: the list leaves sharers out (see core/image-reader). */
function Sharers({
  imageId,
  byId,
}: {
  imageId: string
  byId: ReadonlyMap<string, ImageRow>
}): ReactNode {
  const client = useClient()
  // Keyed by the list (`byId` is new after each reload: details left open ask again, as the rest
  // of the panel shows the new list); within one list an answer is kept.
  const load = useCallback(async () => {
    const known = answeredSharers.get(byId)?.get(imageId)
    if (known) return known
    const value = await client.getImageSharers({ id: imageId })
    let answers = answeredSharers.get(byId)
    if (!answers) answeredSharers.set(byId, (answers = new Map()))
    answers.set(imageId, value)
    return value
  }, [client, imageId, byId])
  const fetched = useAsync(load)
  const known = answeredSharers.get(byId)?.get(imageId)
  const sharers = known
    ? { status: 'ready' as const, value: known, reload: fetched.reload }
    : fetched
  if (sharers.status === 'loading') {
    return (
      <p className="muted" role="status">
        <Spinner /> Reading which images share its layers…
      </p>
    )
  }
  if (sharers.status === 'error' && errorCode(sharers.error) === 'not-found') {
    return <p className="muted">The engine no longer holds this image: refresh the list.</p>
  }
  if (sharers.status === 'error') {
    return (
      <ErrorBanner
        title="Could not read which images share its layers"
        error={sharers.error}
        onRetry={sharers.reload}
      />
    )
  }
  if (sharers.value.length === 0) {
    return <p className="muted">No layer of it is shared with another image.</p>
  }
  return (
    <ul className="image-detail__list">
      {sharers.value.slice(0, MAX_SHARERS).map((sharer) => (
        <li key={sharer.id} className="image-detail__sharer">
          <span className="mono">{nameOf(sharer.id, byId)}</span>
          <span className="numeric" title={bytesTitle(sharer.bytes)}>
            {formatBytes(sharer.bytes)}
          </span>
        </li>
      ))}
    </ul>
  )
}
