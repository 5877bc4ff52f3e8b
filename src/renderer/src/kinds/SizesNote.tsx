/**
 * How old the sizes on a page are ("Sizes from 4 minutes ago"), and whether fresher ones are being
 * measured. The engine walks every file to measure them, which can take minutes: the page never
 * waits for it, and reads the list again when they land.
 */
import type { ReactNode } from 'react'
import { formatAge } from '../../../shared/format'
import { Spinner } from '../components/Spinner'
import { onFirstUse } from '../intl'

const dateTime = onFirstUse(
  () => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' }),
)

export function sizesAge(sizesAt: string | null, now: Date): string {
  if (sizesAt === null) return 'Sizes not measured yet'
  const age = formatAge(new Date(sizesAt), now)
  return age === 'just now' ? 'Sizes measured just now' : `Sizes from ${age}`
}

export function SizesNote({
  sizesAt,
  refreshing,
  now,
}: {
  sizesAt: string | null
  refreshing: boolean
  now: Date
}): ReactNode {
  return (
    <p
      className="sizes-note"
      data-testid="sizes-note"
      data-sizes-at={sizesAt ?? undefined}
      data-refreshing={refreshing || undefined}
    >
      {sizesAt === null ? (
        <span>{sizesAge(sizesAt, now)}</span>
      ) : (
        <time dateTime={sizesAt} title={dateTime().format(new Date(sizesAt))}>
          {sizesAge(sizesAt, now)}
        </time>
      )}
      <span className="sizes-note__state" role="status">
        {refreshing ? (
          <>
            <Spinner size={12} /> measuring {sizesAt === null ? 'them' : 'again'}…
          </>
        ) : null}
      </span>
    </p>
  )
}
