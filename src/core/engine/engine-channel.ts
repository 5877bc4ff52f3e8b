/**
 * Diagnostics channels for engine requests sent without node:http (pipelined-get.ts,
 * early-reads.ts, build-cache-grpc.ts), so tools that trace node:http's own channels
 * (scripts/bench/trace-preload.cjs) see them too. Publishing costs nothing while no one listens.
 */
import { channel } from 'node:diagnostics_channel'

const requests = channel('drydock:engine-request')
const responses = channel('drydock:engine-response')

export function engineRequestStarted(method: string, path: string): void {
  if (requests.hasSubscribers) requests.publish({ method, path })
}

export function engineResponseEnded(path: string, status: number): void {
  if (responses.hasSubscribers) responses.publish({ path, status })
}
