/** The ten images holding the most bytes of their own: what removing each alone would free. */
import type { ReactNode } from 'react'
import { formatBytes } from '../../../shared/format'
import type { ImageView } from '../../../shared/images'
import { Card } from '../components/Card'
import { ErrorBanner } from '../components/ErrorBanner'
import { SkeletonLine } from '../components/Skeleton'
import type { LiveResult } from '../hooks/useLive'
import { shortId } from '../history/describe-run'

const COUNT = 10

export function topByUniqueSize(images: ImageView[], count = COUNT): ImageView[] {
  return images
    .filter((image) => image.uniqueSize > 0)
    .sort((a, b) => b.uniqueSize - a.uniqueSize)
    .slice(0, count)
}

export function TopImagesCard({ images }: { images: LiveResult<ImageView[]> }): ReactNode {
  return (
    <Card
      title="Images holding the most unique bytes"
      labelledBy="top-images-title"
      className="top-images"
      testId="top-images"
    >
      {images.status === 'loading' ? (
        <ol className="bars bars--skeleton" aria-hidden="true">
          {Array.from({ length: COUNT }, (_, i) => (
            <li className="bars__row" key={i}>
              <SkeletonLine width={`${70 - i * 4}%`} />
            </li>
          ))}
        </ol>
      ) : images.status === 'error' ? (
        <ErrorBanner
          title="Could not list the images"
          error={images.error}
          onRetry={images.reload}
        />
      ) : (
        <TopImagesList images={topByUniqueSize(images.value)} />
      )}
    </Card>
  )
}

function TopImagesList({ images }: { images: ImageView[] }): ReactNode {
  if (images.length === 0) {
    return <p className="muted">No image holds bytes of its own: every layer is shared.</p>
  }
  const max = images[0]!.uniqueSize
  return (
    <ol className="bars">
      {images.map((image) => {
        const name = image.tags[0] ?? `<none> ${shortId(image.id)}`
        return (
          <li className="bars__row" key={image.id} data-testid="top-image">
            <span className="bars__label" title={[...image.tags, image.id].join('\n')}>
              {name}
              {image.tags.length > 1 ? (
                <span className="muted"> +{image.tags.length - 1}</span>
              ) : null}
            </span>
            <span className="bars__value num" data-bytes={image.uniqueSize}>
              {formatBytes(image.uniqueSize)}
            </span>
            <span className="bars__track" aria-hidden="true">
              <span
                className="bars__fill"
                style={{ width: `${Math.max(1, (100 * image.uniqueSize) / max)}%` }}
              />
            </span>
          </li>
        )
      })}
    </ol>
  )
}
