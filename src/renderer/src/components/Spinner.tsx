import type { ReactNode } from 'react'

/** A small indeterminate spinner; decorative, so say what is loading next to it. */
export function Spinner({ size = 14 }: { size?: number }): ReactNode {
  return <span className="spinner" style={{ width: size, height: size }} aria-hidden="true" />
}
