/**
 * Build cache prunes sent together (src/core/cleaner/record-pruner.ts): asks that arrive while a
 * prune is in flight share the next request, each ask learns whether its own record went, the
 * filter names exactly the records asked for, and a cancel sends nothing more. A stand-in modem (no engine): the real prunes
 * are in tests/engine/whole-disk.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { RecordPruner } from '../../src/core/cleaner/record-pruner'

type Dial = (
  options: { path: string; method: string; options: { filters: { id: string[] } } },
  done: (error: unknown, data: unknown) => void,
) => void

function engine(answer: (ids: string[]) => string[] | Error, signal?: AbortSignal) {
  const requests: string[][] = []
  const dial: Dial = (options, done) => {
    const filter = options.options.filters.id
    expect(filter).toHaveLength(1)
    const ids = /^\^\(\?:(.*)\)\$$/.exec(filter[0]!)![1]!.split('|')
    requests.push(ids)
    setTimeout(() => {
      const result = answer(ids)
      if (result instanceof Error) done(result, null)
      else done(null, { CachesDeleted: result })
    }, 5)
  }
  const pruner = new RecordPruner(
    { modem: { dial } } as unknown as ConstructorParameters<typeof RecordPruner>[0],
    signal,
  )
  return { pruner, requests }
}

describe('RecordPruner', () => {
  it('asks made together go in one request; asks made meanwhile in the next', async () => {
    const { pruner, requests } = engine((ids) => ids.filter((id) => id !== 'shared'))
    const first = [pruner.prune('a'), pruner.prune('b'), pruner.prune('shared')]
    await new Promise((resolve) => setTimeout(resolve, 1)) // the first request is in flight
    const second = [pruner.prune('c'), pruner.prune('d')]
    expect(await Promise.all(first)).toEqual(['pruned', 'pruned', 'refused'])
    expect(await Promise.all(second)).toEqual(['pruned', 'pruned'])
    expect(requests).toEqual([
      ['a', 'b', 'shared'],
      ['c', 'd'],
    ])
  })

  it('an id that is a regular expression matches itself only', async () => {
    const { pruner, requests } = engine((ids) => ids)
    await pruner.prune('a.b')
    expect(requests).toEqual([['a\\.b']])
  })

  it('a failed request fails every ask it carried, and the next asks go on', async () => {
    let fail = true
    const { pruner } = engine((ids) => {
      if (!fail) return ids
      fail = false
      return new Error('server error')
    })
    const failed = [pruner.prune('a'), pruner.prune('b')]
    await expect(Promise.all(failed)).rejects.toThrow('server error')
    await expect(Promise.allSettled(failed)).resolves.toMatchObject([
      { status: 'rejected' },
      { status: 'rejected' },
    ])
    await expect(pruner.prune('c')).resolves.toBe('pruned')
  })

  it('a cancel sends nothing more: asks still queued learn they were never sent', async () => {
    const cancel = new AbortController()
    const { pruner, requests } = engine((ids) => ids, cancel.signal)
    const first = pruner.prune('a')
    await new Promise((resolve) => setTimeout(resolve, 1)) // the first request is in flight
    const queued = pruner.prune('b')
    cancel.abort()
    expect(await first).toBe('pruned')
    expect(await queued).toBe('cancelled')
    expect(requests).toEqual([['a']])
  })
})
