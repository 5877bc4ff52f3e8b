/**
 * What a plan shows on a terminal before its table: the engine, as soon as it has answered (a
 * plan's first useful output), and while the layer facts of images the log does not know yet are
 * read from the engine (a first plan reads two answers per image), how many are done — on stderr,
 * erased before the table, so stdout stays the plan.
 */
import { formatCount } from '../shared/format'
import { engineHeader } from './engine-header'
import type { CliIo } from './io'
import type { CliSession } from './session'

/** Updates of the progress line at most this often. */
const PROGRESS_EVERY_MS = 50
const ERASE = '\r\x1b[2K'

/** Starts following `session` for `io`; the returned function stops and erases the line. */
export function followPlan(
  io: CliIo,
  session: CliSession,
  options: { header: boolean },
): () => void {
  const stops: (() => void)[] = []
  if (options.header && io.stdout.isTTY) {
    let shown = false
    stops.push(
      session.service.subscribe((event) => {
        if (shown || event.name !== 'connection' || event.payload.status !== 'connected') return
        shown = true
        // Printed already by the entry, from the same answers (early.ts).
        if (io.engineHeader?.shown) return
        if (io.engineHeader) io.engineHeader.shown = true
        io.stdout.write(`${engineHeader(event.payload.engine)}\n`)
      }),
    )
  }
  if (io.stderr.isTTY) {
    let shownAt = 0
    let showing = false
    const erase = () => {
      if (showing) io.stderr.write(ERASE)
      showing = false
    }
    stops.push(
      session.service.connections.onInventoryProgress((done, total) => {
        if (done >= total) return erase()
        const now = Date.now()
        if (showing && now - shownAt < PROGRESS_EVERY_MS) return
        shownAt = now
        showing = true
        io.stderr.write(
          `${ERASE}Reading layer facts: ${formatCount(done)} of ${formatCount(total)} images`,
        )
      }),
      erase,
    )
  }
  return () => {
    for (const stop of stops) stop()
  }
}
