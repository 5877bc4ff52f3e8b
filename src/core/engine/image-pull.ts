/**
 * Pulls an image back by its repository digest (a run's restore hint). A pull that fails after
 * it started (auth, disk full) says so in the progress stream, not with an HTTP status, so the
 * stream is read for it.
 */
import type { EngineConnection } from './connection'

interface PullLine {
  error?: string
  errorDetail?: { message?: string }
}

/** Resolves with the pulled image's ID; rejects with the engine's own words. */
export async function pullImage(connection: EngineConnection, reference: string): Promise<string> {
  const { docker } = connection
  await new Promise<void>((resolve, reject) => {
    docker.pull(reference, (error: unknown, stream: NodeJS.ReadableStream) => {
      if (error) return reject(error)
      docker.modem.followProgress(stream, (failure: unknown, output: PullLine[]) => {
        const said = output?.find((line) => line.error || line.errorDetail)
        const streamed = said ? new Error(said.errorDetail?.message ?? said.error) : null
        const problem = failure ?? streamed
        if (problem) reject(problem)
        else resolve()
      })
    })
  })
  const inspected = await docker.getImage(reference).inspect()
  return inspected.Id
}
