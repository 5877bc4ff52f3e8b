/** When the Images table draws light rows: only while a scroll replaces every row in view. */
import { describe, expect, it } from 'vitest'
import { FlickWatch } from '../../src/renderer/src/images/flick'

const rows = (startIndex: number, endIndex: number) => ({ startIndex, endIndex })

describe('FlickWatch', () => {
  it('calls consecutive scroll frames with no row in common a flick, from the second on', () => {
    const watch = new FlickWatch()
    expect(watch.observe(rows(0, 9), false)).toBe(false)
    // The scroll's first frame: its rows are all new, but one jump is not a flick.
    expect(watch.observe(rows(12, 21), true)).toBe(false)
    expect(watch.observe(rows(25, 34), true)).toBe(true)
    expect(watch.observe(rows(37, 46), true)).toBe(true)
  })

  it('brings full rows back when rows stay in view from one frame to the next, or the scroll stops', () => {
    const watch = new FlickWatch()
    watch.observe(rows(0, 9), true)
    expect(watch.observe(rows(12, 21), true)).toBe(true)
    // Slowed down: row 21 is still in view.
    expect(watch.observe(rows(21, 30), true)).toBe(false)
    expect(watch.observe(rows(40, 49), true)).toBe(true)
    // Stopped where it was: the virtualizer says it no longer scrolls.
    expect(watch.observe(rows(40, 49), false)).toBe(false)
  })

  it('works both ways', () => {
    const watch = new FlickWatch()
    watch.observe(rows(100, 109), true)
    expect(watch.observe(rows(80, 89), true)).toBe(true)
    expect(watch.observe(rows(75, 84), true)).toBe(false)
  })

  it('gives the same answer to a render of the same rows (a selection made mid-flick, strict mode)', () => {
    const watch = new FlickWatch()
    watch.observe(rows(0, 9), true)
    expect(watch.observe(rows(12, 21), true)).toBe(true)
    expect(watch.observe(rows(12, 21), true)).toBe(true)
    expect(watch.observe(rows(12, 21), true)).toBe(true)
  })

  it('holds full rows through a keyboard move, even mid-scroll, until that scroll ends', () => {
    const watch = new FlickWatch()
    watch.observe(rows(0, 9), true)
    expect(watch.observe(rows(12, 21), true)).toBe(true)
    watch.hold()
    // The move lands over a few frames, each far from the last.
    expect(watch.observe(rows(500, 509), true)).toBe(false)
    expect(watch.observe(rows(9980, 9989), true)).toBe(false)
    expect(watch.observe(rows(9990, 9999), true)).toBe(false)
    expect(watch.observe(rows(9990, 9999), false)).toBe(false)
    // The next scroll flicks again.
    expect(watch.observe(rows(9970, 9979), true)).toBe(false)
    expect(watch.observe(rows(9950, 9959), true)).toBe(true)
  })

  it('is never a flick with nothing in view', () => {
    const watch = new FlickWatch()
    expect(watch.observe(null, true)).toBe(false)
    expect(watch.observe(rows(0, 9), true)).toBe(false)
    expect(watch.observe(null, true)).toBe(false)
  })
})
