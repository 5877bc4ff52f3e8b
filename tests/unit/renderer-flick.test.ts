/** When the Images table draws light rows: only while a scroll replaces every row in view. */
import { describe, expect, it } from 'vitest'
import { FlickWatch } from '../../src/renderer/src/images/flick'

const rows = (startIndex: number, endIndex: number) => ({ startIndex, endIndex })

describe('FlickWatch', () => {
  it('calls two scroll frames in a row that each show only new rows a flick', () => {
    const watch = new FlickWatch()
    expect(watch.observe(rows(0, 9), false)).toBe(false)
    // The scroll's first frame: its rows are all new, but one jump is not a flick.
    expect(watch.observe(rows(12, 21), true)).toBe(false)
    expect(watch.observe(rows(25, 34), true)).toBe(false)
    expect(watch.observe(rows(37, 46), true)).toBe(true)
    expect(watch.observe(rows(49, 58), true)).toBe(true)
  })

  it('brings full rows back after two frames that kept a row in view, or when the scroll stops', () => {
    const watch = new FlickWatch()
    watch.observe(rows(0, 9), true)
    watch.observe(rows(12, 21), true)
    expect(watch.observe(rows(24, 33), true)).toBe(true)
    // Slowed down: row 33 is still in view. One such frame does not switch (near the line, the
    // rows would change every frame).
    expect(watch.observe(rows(33, 42), true)).toBe(true)
    expect(watch.observe(rows(60, 69), true)).toBe(true)
    expect(watch.observe(rows(69, 78), true)).toBe(true)
    expect(watch.observe(rows(75, 84), true)).toBe(false)
    // Full again: it takes two frames of all new rows to go light.
    expect(watch.observe(rows(90, 99), true)).toBe(false)
    expect(watch.observe(rows(110, 119), true)).toBe(true)
    // Stopped where it was: the virtualizer says it no longer scrolls.
    expect(watch.observe(rows(110, 119), false)).toBe(false)
  })

  it('works both ways', () => {
    const watch = new FlickWatch()
    watch.observe(rows(100, 109), true)
    watch.observe(rows(80, 89), true)
    expect(watch.observe(rows(60, 69), true)).toBe(true)
    expect(watch.observe(rows(55, 64), true)).toBe(true)
    expect(watch.observe(rows(50, 59), true)).toBe(false)
  })

  it('gives the same answer to a render of the same rows (a selection made mid-flick, strict mode)', () => {
    const watch = new FlickWatch()
    watch.observe(rows(0, 9), true)
    watch.observe(rows(12, 21), true)
    expect(watch.observe(rows(24, 33), true)).toBe(true)
    expect(watch.observe(rows(24, 33), true)).toBe(true)
    expect(watch.observe(rows(24, 33), true)).toBe(true)
  })

  it('holds full rows through a keyboard move made mid-flick, until that scroll ends', () => {
    const watch = new FlickWatch()
    watch.observe(rows(0, 9), true)
    watch.observe(rows(12, 21), true)
    expect(watch.observe(rows(24, 33), true)).toBe(true)
    watch.hold()
    // The move lands over a few frames, each far from the last.
    expect(watch.observe(rows(24, 33), true)).toBe(false)
    expect(watch.observe(rows(500, 509), true)).toBe(false)
    expect(watch.observe(rows(9980, 9989), true)).toBe(false)
    expect(watch.observe(rows(9990, 9999), true)).toBe(false)
    expect(watch.observe(rows(9990, 9999), false)).toBe(false)
    // The next scroll flicks again.
    watch.observe(rows(9970, 9979), true)
    watch.observe(rows(9950, 9959), true)
    expect(watch.observe(rows(9930, 9939), true)).toBe(true)
  })

  it('holds full rows through a keyboard move made at rest: the hold outlives the render before the scroll', () => {
    const watch = new FlickWatch()
    watch.observe(rows(0, 9), false)
    watch.hold()
    // The focus target's render comes first, before any scroll event.
    expect(watch.observe(rows(0, 9), false)).toBe(false)
    expect(watch.observe(rows(500, 509), true)).toBe(false)
    expect(watch.observe(rows(900, 909), true)).toBe(false)
    expect(watch.observe(rows(990, 999), true)).toBe(false)
    expect(watch.observe(rows(990, 999), false)).toBe(false)
    watch.observe(rows(970, 979), true)
    watch.observe(rows(950, 959), true)
    expect(watch.observe(rows(930, 939), true)).toBe(true)
  })

  it('is never a flick with nothing in view', () => {
    const watch = new FlickWatch()
    expect(watch.observe(null, true)).toBe(false)
    expect(watch.observe(rows(0, 9), true)).toBe(false)
    expect(watch.observe(null, true)).toBe(false)
  })
})
