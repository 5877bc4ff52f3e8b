/** `drydock serve`: browser mode on loopback, until interrupted. */
import { builtFirstFrameModule, builtRendererDir } from '../../core/package-info'
import { FIRST_SAMPLE_AFTER_START_MS } from '../../core/sampler'
import { startWebServer } from '../../web/server'
import { reportError } from '../errors'
import { EXIT, type ExitCode } from '../exit-codes'
import { printJson, type CliIo, type GlobalOptions } from '../io'
import { openCliSession } from '../session'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { DrydockError, errorMessage } from '../../shared/errors'
import type { FirstFrame } from '../../shared/preloaded'

export interface ServeOptions {
  port: number
}

/**
 * The page's first frame, rendered by the server (src/renderer/src/first-frame.tsx, built for
 * Node); none when it is not built or does not load, and the page is then the app alone.
 */
function loadFirstFrame(): FirstFrame | undefined {
  const file = builtFirstFrameModule()
  if (!existsSync(file)) return undefined
  try {
    return (createRequire(__filename)(file) as { firstFrame?: FirstFrame }).firstFrame
  } catch {
    return undefined
  }
}

export async function serveCommand(
  io: CliIo,
  options: GlobalOptions,
  serve: ServeOptions,
): Promise<ExitCode> {
  const rendererDir = builtRendererDir()
  if (!existsSync(join(rendererDir, 'index.html'))) {
    return reportError(
      io,
      new DrydockError(
        'internal',
        `The UI is not built (${rendererDir}); run npm run build first.`,
      ),
    )
  }
  const session = openCliSession(options, io, 'http')
  // Opened before serving: the page's first calls read it (its status, the last usage sample).
  // A log that cannot open is no reason not to serve; getLogStatus says why.
  try {
    session.service.log.open()
  } catch {
    // reported by getLogStatus
  }
  const stopWatching = session.service.watchConnection()
  const stopSampling = session.service.startSampling({ firstAfterMs: FIRST_SAMPLE_AFTER_START_MS })
  let server
  try {
    server = await startWebServer({
      service: session.service,
      rendererDir,
      port: serve.port,
      firstFrame: loadFirstFrame(),
      // The page has painted its frame and loads the app, whose dashboard asks for the engine's
      // disk usage first: its df (seconds on a big engine) starts now, and that call shares it.
      onAppLoading: () => void session.service.getDiskUsage().catch(() => undefined),
    })
  } catch (error) {
    session.close()
    const message = errorMessage(error)
    io.stderr.write(`drydock: cannot listen on 127.0.0.1:${serve.port}: ${message}\n`)
    return EXIT.usage
  }
  if (options.json) printJson(io, { url: server.url, origin: server.origin })
  else io.stdout.write(`Drydock is serving at ${server.url}\nPress Ctrl-C to stop.\n`)
  await io.untilInterrupted()
  stopWatching()
  stopSampling()
  await server.close()
  session.close()
  return EXIT.ok
}
