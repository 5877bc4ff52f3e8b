/**
 * shared/lazy-schema.ts: a schema declared through lazySchema is built once, on first use, and
 * behaves as the schema itself — alone, composed into others, extended, and as a type.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { lazySchema } from '../../src/shared/lazy-schema'
import { methods } from '../../src/shared/contract'
import { SelectionSchema } from '../../src/shared/cleanup'

describe('lazySchema', () => {
  it('builds nothing until used, then builds once', () => {
    let builds = 0
    const Point = lazySchema(() => {
      builds += 1
      return z.strictObject({ x: z.number(), y: z.number() })
    })
    expect(builds).toBe(0)
    expect(Point.parse({ x: 1, y: 2 })).toEqual({ x: 1, y: 2 })
    expect(Point.safeParse({ x: 1 }).success).toBe(false)
    expect(builds).toBe(1)
  })

  it('composes, extends and answers like the schema it stands for', () => {
    let builds = 0
    const Inner = lazySchema(() => {
      builds += 1
      return z.strictObject({ id: z.string().min(1) })
    })
    const Outer = lazySchema(() => z.strictObject({ inner: Inner, items: z.array(Inner) }))
    expect(builds).toBe(0)
    expect(Outer.parse({ inner: { id: 'a' }, items: [{ id: 'b' }] }).items[0]!.id).toBe('b')
    expect(() => Outer.parse({ inner: { id: '' }, items: [] })).toThrow(z.ZodError)
    const Wider = Inner.extend({ n: z.number() })
    expect(Wider.parse({ id: 'x', n: 1 })).toEqual({ id: 'x', n: 1 })
    expect(Object.keys(Inner.shape)).toEqual(['id'])
    expect(Inner instanceof z.ZodType).toBe(true)
    expect(Inner.optional().parse(undefined)).toBeUndefined()
    expect(builds).toBe(1)
    type Outer = z.infer<typeof Outer>
    const typed: Outer = { inner: { id: 'a' }, items: [] }
    expect(typed.inner.id).toBe('a')
  })

  it("is how the contract's schemas are declared, and they still refuse what they refused", () => {
    const result = methods.planCleanup.request.safeParse({ unused: true, bogus: 1 })
    expect(result.success).toBe(false)
    expect(SelectionSchema.parse({ unused: true }).unused).toBe(true)
  })
})
