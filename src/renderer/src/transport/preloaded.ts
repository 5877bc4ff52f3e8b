/**
 * The answers browser mode's server put in the page (src/shared/preloaded.ts), read once. The
 * transport answers the first such call with one; a page's first render may peek at it, so the
 * figures are in the very first paint, not in the render after the first effects. Only within
 * the page's first seconds: later, the log may hold newer figures.
 */
import type { MethodResponse } from '../../../shared/contract'
import { isEnvelope } from '../../../shared/drydock-error'
import { PRELOADED_ELEMENT_ID, type PRELOADED_METHODS } from '../../../shared/preloaded'

/** Answers older than this are not served: a page opened elsewhere (#/images) that reaches the
 * dashboard later asks the log afresh. Milliseconds since the page's navigation. */
const FRESH_MS = 5_000

let answers: Record<string, unknown> | null = null
/** True while the server renders the first frame with the answers it is about to send. */
let prerendering = false

/**
 * Runs `render` (the server's render of the first frame, src/renderer/src/first-frame.tsx) with
 * these answers preloaded and fresh, as the page will see them; then forgets them.
 */
export function withPreloadedAnswers<T>(given: Record<string, unknown>, render: () => T): T {
  const saved = answers
  answers = { ...given }
  prerendering = true
  try {
    return render()
  } finally {
    answers = saved
    prerendering = false
  }
}

/** The page's first seconds; the server's render always counts as those. */
function fresh(): boolean {
  return prerendering || performance.now() < FRESH_MS
}

function envelopes(): Record<string, unknown> {
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

/** The preloaded envelope of a call, once: the transport answers that call with it. */
export function takePreloaded(method: string): unknown {
  const all = envelopes()
  const envelope = all[method]
  delete all[method]
  return fresh() ? envelope : undefined
}

/** The value a preloaded call answered with, while not yet taken and still fresh. */
export function peekPreloaded<M extends (typeof PRELOADED_METHODS)[number]>(
  method: M,
): MethodResponse<M> | undefined {
  const envelope = envelopes()[method]
  if (!fresh() || !isEnvelope(envelope) || !envelope.ok) return undefined
  return envelope.value as MethodResponse<M>
}
