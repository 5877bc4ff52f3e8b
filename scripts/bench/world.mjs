// The benchmark's world, as data: which layers exist, which images stack them, how images are
// tagged, and which containers use which images. Everything is derived from the image index, so
// two engines given the same sizes get byte-identical images (same IDs) — world A (measured with
// drydock) and world B (pruned by docker) are the same world.
//
// Layer sharing mimics a real host: a few base layers each under hundreds of images, mid layers
// each under tens, and a small unique top layer per image. Sizes stay small (bases 2-5 MB, mids
// ~200 KB, tops 4-20 KB) so thousands of images load in well under a minute; the costs measured
// here (requests per image, deletes per image and per layer) do not depend on bytes.

const HOUR_MS = 3_600_000
const FIRST_CREATED = Date.UTC(2023, 0, 1)

/** @param {{ images: number, containers: number, started: number }} size */
export function worldSpec(size) {
  const imageCount = size.images
  const baseCount = Math.max(2, Math.round(imageCount / 250))
  const midsPerBase = Math.max(2, Math.round(imageCount / (20 * baseCount)))

  /** @type {Map<string, { key: string, kind: 'base'|'mid'|'top', index: number }>} */
  const layers = new Map()
  const layer = (kind, index) => {
    const key = `${kind}-${index}`
    if (!layers.has(key)) layers.set(key, { key, kind, index })
    return key
  }

  const images = []
  for (let i = 0; i < imageCount; i++) {
    const base = i % baseCount
    // A mid layer only ever sits on one base, so images sharing it share the whole chain below.
    const mid = base + baseCount * (Math.floor(i / baseCount) % midsPerBase)
    const layerKeys = [layer('base', base), layer('mid', mid)]
    // One image in 20 adds nothing on top: several image IDs (distinct configs) on one chain.
    if (i % 20 !== 19) layerKeys.push(layer('top', i))
    images.push({
      index: i,
      tags: tagsOf(i),
      created: new Date(FIRST_CREATED + i * 8 * HOUR_MS),
      labels: i % 4 === 0 ? { 'bench.tier': 'gold' } : {},
      layerKeys,
    })
  }

  return {
    baseCount,
    midCount: baseCount * midsPerBase,
    layers: [...layers.values()],
    images,
    containers: containersOf(images, size.containers, size.started),
  }
}

/** Most images tagged, one repository with hundreds of tags, some multi-tagged, 10% untagged. */
function tagsOf(i) {
  if (i % 10 === 3) return []
  const tags = i % 10 === 0 ? [`bench/big:b${i}`] : [`bench/app-${i % 47}:v${i}`]
  if (i % 25 === 5) tags.push(`bench/alias:${i}`)
  return tags
}

/**
 * Two containers per used image, on images spread evenly over the world. Created only (no
 * process) except the first `started`, which run busybox's sleep so the plan sees running ones.
 */
function containersOf(images, count, started) {
  const usedImageCount = Math.min(images.length, Math.ceil(count / 2))
  const containers = []
  for (let j = 0; j < count; j++) {
    const slot = j % usedImageCount
    const image = images[Math.floor(((slot + 0.5) * images.length) / usedImageCount)]
    containers.push({ name: `bench-c-${j}`, image, start: j < started })
  }
  return containers
}
