/**
 * The answers browser mode's server put in the page (src/shared/preloaded.ts), read once. The
 * transport serves its first calls from them; a page's first render may peek at one, so the
 * figures are in the very first paint, not in the render after the first effects.
 */
import type { MethodResponse } from '../../../shared/contract'
import { isEnvelope } from '../../../shared/drydock-error'
import { PRELOADED_ELEMENT_ID, type PRELOADED_METHODS } from '../../../shared/preloaded'

let answers: Record<string, unknown> | null = null

/** Every preloaded envelope by method; empty in Electron and on a reload (no token, no answers). */
export function preloadedEnvelopes(): Record<string, unknown> {
  if (answers) return answers
  answers = {}
  const text = document.getElementById(PRELOADED_ELEMENT_ID)?.textContent
  if (text) {
    try {
      answers = JSON.parse(text) as Record<string, unknown>
    } catch {
      // A page without usable answers asks for them like any other page.
    }
  }
  return answers
}

/** The value a preloaded call answered with; undefined when there is none or it failed. */
export function peekPreloaded<M extends (typeof PRELOADED_METHODS)[number]>(
  method: M,
): MethodResponse<M> | undefined {
  const envelope = preloadedEnvelopes()[method]
  return isEnvelope(envelope) && envelope.ok ? (envelope.value as MethodResponse<M>) : undefined
}
