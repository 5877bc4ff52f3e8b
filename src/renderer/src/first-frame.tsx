/**
 * Browser mode's first frame, rendered by its server into the page it sends (src/web/server.ts):
 * the app's own first render, with the answers the page comes with (the log's last sample). The
 * browser paints the figures from the HTML and CSS alone, before it has fetched, parsed and run
 * the app's code, which took 400-600 ms of a 2-CPU machine before that paint
 * (docs/performance.md). The app then renders afresh over it (main.tsx): not hydration, which
 * would need the server to know what only the browser knows (the hash's page, its language for
 * numbers, the moment it renders relative times).
 *
 * Built for Node beside the CLI (electron.vite.config.ts); the server loads it only to serve.
 */
import { renderToString } from 'react-dom/server'
import type { DrydockClient } from '../../shared/contract'
import type { FirstFrame } from '../../shared/preloaded'
import { App } from './App'
import { DEFAULT_ROUTE } from './routes'
import { withPreloadedAnswers } from './transport/preloaded'

/**
 * A client that never answers: a first render asks nothing (its calls go out in effects, which a
 * server render does not run), and if one did, the frame would show it loading.
 */
const SILENT_CLIENT = new Proxy({} as DrydockClient, {
  get: (_target, name) =>
    name === 'subscribe' ? () => () => undefined : () => new Promise<never>(() => undefined),
})

export const firstFrame: FirstFrame = {
  route: DEFAULT_ROUTE,
  render: (answers) =>
    withPreloadedAnswers(answers, () => renderToString(<App client={SILENT_CLIENT} />)),
}
