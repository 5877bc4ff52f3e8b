/**
 * Protect / Unprotect on the Images page edit Settings' protectedPatterns: an image is protected
 * by its own references (tags and digests), or by its ID when it has none.
 */
import type { ImageView } from '../../../shared/images'

export function protectionEntries(image: Pick<ImageView, 'id' | 'tags' | 'digests'>): string[] {
  const references = [...image.tags, ...image.digests]
  return references.length > 0 ? references : [image.id]
}

/** The patterns with every entry of these images added (existing order kept, no duplicates). */
export function withProtected(patterns: readonly string[], images: readonly ImageView[]): string[] {
  const next = [...patterns]
  for (const entry of images.flatMap(protectionEntries)) {
    if (!next.includes(entry)) next.push(entry)
  }
  return next
}

/**
 * The patterns without any entry naming these images exactly. A glob (`postgres:*`) or a label
 * that also protects them stays: it protects more than this selection, so only Settings edits it.
 */
export function withoutProtected(
  patterns: readonly string[],
  images: readonly ImageView[],
): string[] {
  const names = new Set(images.flatMap((image) => [image.id, ...image.tags, ...image.digests]))
  return patterns.filter((pattern) => !names.has(pattern))
}
