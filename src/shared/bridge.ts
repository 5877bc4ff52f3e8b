/**
 * What the preload exposes as `window.drydock`: each method returns the raw envelope, and the
 * renderer's client (shared/client.ts) turns envelopes back into values or typed errors.
 */
import type { MethodName } from './channels'

export type PreloadBridge = {
  [M in MethodName]: (request: unknown) => Promise<unknown>
} & {
  subscribe(listener: (event: unknown) => void): () => void
}
