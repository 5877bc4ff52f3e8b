/**
 * Reads are bounded, deletes and streams are not (engine/read-timeouts.ts). A stand-in modem:
 * tests/faults/engine-stalled.test.ts shows the same against a wedged engine socket.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  boundReads,
  DISK_USAGE_TIMEOUT_MS,
  READ_TIMEOUT_MS,
  readTimeoutFor,
} from '../../src/core/engine/read-timeouts'

interface Dialed {
  options: { path: string; method?: string; abortSignal?: AbortSignal }
  callback: (error: unknown, data?: unknown) => void
}

function standInModem() {
  const dialed: Dialed[] = []
  const modem = {
    dial: (options: Dialed['options'], callback: Dialed['callback']) => {
      dialed.push({ options, callback })
      // As docker-modem does when the request's signal aborts it.
      options.abortSignal?.addEventListener('abort', () =>
        callback(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' })),
      )
    },
  }
  boundReads(modem)
  return { modem, dialed }
}

describe('bounded engine reads', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('bounds GETs (df longer), never deletes, posts or a caller with its own signal', () => {
    expect(readTimeoutFor('GET', '/images/json?')).toBe(READ_TIMEOUT_MS)
    expect(readTimeoutFor('GET', '/v1.41/system/df?')).toBe(DISK_USAGE_TIMEOUT_MS)
    expect(readTimeoutFor('GET', '/events?')).toBe(READ_TIMEOUT_MS)
    expect(readTimeoutFor('DELETE', '/images/x?')).toBeNull()
    expect(readTimeoutFor('POST', '/containers/x/stop?')).toBeNull()
    const { modem, dialed } = standInModem()
    const own = new AbortController().signal
    modem.dial({ path: '/images/json?', method: 'GET', abortSignal: own }, () => undefined)
    modem.dial({ path: '/images/x?', method: 'DELETE' }, () => undefined)
    expect(dialed.map((d) => d.options.abortSignal)).toEqual([own, undefined])
  })

  it('a read with no answer fails after the bound with a sentence naming it', () => {
    vi.useFakeTimers()
    const { modem } = standInModem()
    const results: unknown[] = []
    modem.dial({ path: '/v1.41/containers/json?all=1', method: 'GET' }, (error) =>
      results.push(error),
    )
    vi.advanceTimersByTime(READ_TIMEOUT_MS - 1)
    expect(results).toEqual([])
    vi.advanceTimersByTime(1)
    expect(results).toHaveLength(1)
    expect((results[0] as Error).message).toBe(
      'timeout: the engine accepted the connection but did not answer GET /containers/json within 30 s',
    )
  })

  it('an answer in time passes through and stops the clock', () => {
    vi.useFakeTimers()
    const { modem, dialed } = standInModem()
    const results: unknown[][] = []
    modem.dial({ path: '/info', method: 'GET' }, (...args) => results.push(args))
    dialed[0]!.callback(null, { ID: 'x' })
    vi.advanceTimersByTime(READ_TIMEOUT_MS * 2)
    expect(results).toEqual([[null, { ID: 'x' }]])
  })
})
