/** The Images table's cell contents: references, ages, bytes and status chips. */
import { createContext, use, type ReactNode } from 'react'
import { formatAge, formatBytes } from '../../../shared/format'
import type { ImageView } from '../../../shared/images'
import { STATUS_TEXT, type ImageRow, type ImageStatus } from './model'
import { onFirstUse } from '../intl'

/** "Now" for relative times, refreshed by the page (one timer for ten thousand rows). */
export const NowContext = createContext<Date>(new Date(0))

// One formatter each: toLocaleString() builds a new one per call, too slow for a fast scroll.
const wholeNumber = onFirstUse(() => new Intl.NumberFormat())
const dateTime = onFirstUse(
  () => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }),
)

function Age({ at, prefix = '' }: { at: string; prefix?: string }): ReactNode {
  const now = use(NowContext)
  const date = new Date(at)
  return (
    <time dateTime={at} title={dateTime().format(date)}>
      {prefix}
      {formatAge(date, now)}
    </time>
  )
}

export function CreatedCell({ at }: { at: string }): ReactNode {
  return <Age at={at} />
}

export function LastUsedCell({ image }: { image: ImageView }): ReactNode {
  switch (image.lastUsedSource) {
    case 'created':
      return (
        <span className="muted">
          never used — built <Age at={image.created} />
        </span>
      )
    case 'child':
      return (
        <span title="Inherited from a child image: an image built on this one was used then">
          <Age at={image.lastUsed} /> <span className="muted">(via a child)</span>
        </span>
      )
    case 'event':
      return <Age at={image.lastUsed} />
  }
}

export function bytesTitle(bytes: number): string {
  return `${wholeNumber().format(bytes)} bytes`
}

export function BytesCell({ bytes }: { bytes: number }): ReactNode {
  return <span title={bytesTitle(bytes)}>{formatBytes(bytes)}</span>
}

/** Element Timing names the first row's text, so the benchmark can read when it was painted. */
const FIRST_ROW_TIMING = { elementtiming: 'images-first-row' }

export function ReferenceCell({ row, first }: { row: ImageRow; first: boolean }): ReactNode {
  const { image } = row
  const more = image.tags.length - 1
  const timing = first ? FIRST_ROW_TIMING : {}
  if (row.reference === '<none>') {
    return (
      <span className="mono muted" {...timing}>
        &lt;none&gt;
      </span>
    )
  }
  // The tag is what tells rows of one repository apart: it never gives way to the ellipsis.
  const colon = row.reference.lastIndexOf(':')
  const slash = row.reference.lastIndexOf('/')
  const split = colon > slash && !row.reference.includes('@')
  const repository = split ? row.reference.slice(0, colon) : row.reference
  const tag = split ? row.reference.slice(colon) : ''
  return (
    <span className="images-ref mono" title={image.tags.join('\n') || row.reference}>
      <span className="images-ref__repo" {...timing}>
        {repository}
      </span>
      {tag ? <span className="images-ref__tag">{tag}</span> : null}
      {more > 0 ? (
        <span className="images-ref__more">
          +{more}
          <span className="visually-hidden"> more tags: {image.tags.slice(1).join(', ')}</span>
        </span>
      ) : null}
    </span>
  )
}

export function StatusChip({ status }: { status: ImageStatus }): ReactNode {
  return (
    <span
      className={`chip chip--${status}`}
      title={STATUS_TEXT[status].description}
      data-status={status}
    >
      {STATUS_TEXT[status].chip}
    </span>
  )
}

export function StatusChips({ statuses }: { statuses: readonly ImageStatus[] }): ReactNode {
  if (statuses.length === 0) return <span className="visually-hidden">No flags</span>
  return (
    <span className="chips">
      {statuses.map((status, index) => (
        // By place: a recycled row keeps its chip elements and changes their class.
        <StatusChip key={index} status={status} />
      ))}
    </span>
  )
}

/** The details chevron, drawn by CSS: an <svg> in every row made a fast scroll's frames longer. */
export function ChevronIcon({ open }: { open: boolean }): ReactNode {
  return <span aria-hidden="true" className={`chevron${open ? ' chevron--open' : ''}`} />
}
