/**
 * Browser mode's page with its first frame in it: the markup the app's first render makes
 * (src/renderer/src/first-frame.tsx) inside `#root`, inert until the app has replaced it, and the
 * app's module script swapped for src/renderer/public/first-frame.js, which loads it once the
 * frame has been painted. A module script that the browser has already fetched runs before the
 * first paint, so with it in the page the frame was never seen (docs/performance.md).
 */
import { createHash } from 'node:crypto'

const ROOT = '<div id="root"></div>'
const ENTRY = /<script type="module" crossorigin src="([^"]+)"><\/script>\s*/
const MODULE_PRELOADS = /<link rel="modulepreload" crossorigin href="([^"]+)">\s*/g
const POLICY_META = /<meta\s+http-equiv="Content-Security-Policy"[^>]*>\s*/i
const STYLE_ATTRIBUTES = / style="([^"]*)"/g
const STYLESHEETS = /<link rel="stylesheet" crossorigin href="([^"]+)">/g
const OWN_STYLES = "style-src 'self'"

/** Where the renderer's build puts src/renderer/public/first-frame.js. */
export const FIRST_FRAME_SCRIPT = './first-frame.js'

export interface PageWithFirstFrame {
  html: string
  /** The app's entry module as the page names it (`./assets/index-….js`), loaded after the frame. */
  entry: string
  /** The page's policy, allowing the frame's own style attributes and no other. */
  contentSecurityPolicy: string
}

function attribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')
}

/** An attribute's value as the browser reads it (React escapes these five). */
function attributeValue(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

function hashSource(text: string): string {
  return `'sha256-${createHash('sha256').update(text).digest('base64')}'`
}

/**
 * React writes a component's `style` as an attribute, which a policy without 'unsafe-inline'
 * refuses in markup (the app sets the same styles through the DOM, which it allows). Each value
 * is allowed by its hash instead ('unsafe-hashes': style attributes and nothing else), and so is
 * each stylesheet put in the page.
 */
function allowingStyles(policy: string, frame: string, sheets: string[]): string | null {
  const values = new Set([...frame.matchAll(STYLE_ATTRIBUTES)].map((m) => attributeValue(m[1]!)))
  if (values.size === 0 && sheets.length === 0) return policy
  const directives = policy.split('; ')
  const at = directives.indexOf(OWN_STYLES)
  if (at < 0) return null
  const sources = [...sheets.map(hashSource)]
  if (values.size > 0) sources.push("'unsafe-hashes'", ...[...values].map(hashSource))
  directives[at] = `${OWN_STYLES} ${sources.join(' ')}`
  return directives.join('; ')
}

/** The stylesheets the page links (`./assets/…`), for the server to put in it. */
export function linkedStylesheets(html: string): string[] {
  return [...html.matchAll(STYLESHEETS)].map((match) => match[1]!)
}

/**
 * The built index.html with `frame` (the markup of `route`, the page an empty hash shows) in it,
 * under `policy` (the page's header; the file's own meta policy, which would refuse the frame's
 * styles, is left out). Null when the file or the policy is not the shape expected: the page is
 * then served as it is.
 */
export function pageWithFirstFrame(
  html: string,
  frame: string,
  route: string,
  policy: string,
  stylesheets: ReadonlyMap<string, string> = new Map(),
): PageWithFirstFrame | null {
  const entry = ENTRY.exec(html)?.[1]
  const inlined = linkedStylesheets(html).filter((href) => stylesheets.has(href))
  const sheets = inlined.map((href) => stylesheets.get(href)!)
  const contentSecurityPolicy = allowingStyles(policy, frame, sheets)
  if (entry === undefined || contentSecurityPolicy === null) return null
  if (!html.includes(ROOT) || !html.includes('</body>')) return null
  const preloads = [...html.matchAll(MODULE_PRELOADS)].map((match) => match[1] ?? '')
  const loader =
    `<script src="${FIRST_FRAME_SCRIPT}" data-entry="${attribute(entry)}" ` +
    `data-preload="${attribute(preloads.join(' '))}" data-route="${attribute(route)}"></script>`
  return {
    html: html
      .replace(STYLESHEETS, (link, href: string) =>
        stylesheets.has(href) ? `<style>${stylesheets.get(href)!}</style>` : link,
      )
      .replace(POLICY_META, '')
      .replace(ENTRY, '')
      .replace(MODULE_PRELOADS, '')
      .replace(ROOT, () => `<div id="root"><div class="first-frame" inert>${frame}</div></div>`)
      .replace('</body>', () => `${loader}\n  </body>`),
    entry,
    contentSecurityPolicy,
  }
}
