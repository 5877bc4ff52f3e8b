/**
 * Browser mode's page comes with the answers to a few calls already in it: the server puts them
 * in index.html (only for a request that carries the token) and the page's transport takes each
 * one once, for the first such call. The dashboard's first paint then needs no round trip.
 */
import type { MethodName } from './channels'

/** The element of index.html that holds them: JSON, `{ [method]: envelope }`. */
export const PRELOADED_ELEMENT_ID = 'drydock-preloaded'

/** Calls without arguments that answer from the log alone (no engine: never slow). */
export const PRELOADED_METHODS = ['getLatestUsage'] as const satisfies readonly MethodName[]

/** The element, with `<` escaped so nothing in the JSON can end the script element. */
export function preloadedElement(answers: Record<string, unknown>): string {
  const json = JSON.stringify(answers).replace(/</g, '\\u003c')
  return `<script type="application/json" id="${PRELOADED_ELEMENT_ID}">${json}</script>`
}

/**
 * The page's first frame as its server renders it (src/renderer/src/first-frame.tsx, built for
 * Node): the markup of the app's first render of `route` (an empty hash shows it) with these
 * answers preloaded.
 */
export interface FirstFrame {
  route: string
  render(answers: Record<string, unknown>): string
}
