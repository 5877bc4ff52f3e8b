/**
 * Intl formatters made on first use, one each. The first Intl object a page makes loads the
 * locale's data (16 ms in Chromium here), which the dashboard's first paint does not need; and
 * one instance each, since a fast scroll formats thousands of cells (toLocaleString makes a new
 * formatter per call).
 */
export function onFirstUse<T>(make: () => T): () => T {
  let value: T | undefined
  return () => (value ??= make())
}
