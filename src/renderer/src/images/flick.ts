/**
 * When a scroll is a flick: the rows in view change wholesale from one frame to the next, so each
 * row is on the screen for a single frame and no one reads it. The table then renders light rows
 * (the reference and a few figures, no controls) and renders full rows again as soon as the scroll
 * slows or stops. A full row costs the renderer most of a frame (layout and paint of every cell,
 * scripts/bench/ui-images.mjs); react-window's `isScrolling` placeholders are the same trade.
 *
 * Pure: the table feeds it each render's visible range, the tests feed it numbers.
 */

/** The rows in view, first and last index (the virtualizer's range, without overscan). */
export interface VisibleRange {
  startIndex: number
  endIndex: number
}

export class FlickWatch {
  private last: { range: VisibleRange; scrolling: boolean; flick: boolean } | null = null
  /** Set by a keyboard move until its scroll has ended (it may take a few frames to land). */
  private held = false

  /**
   * Whether this render is part of a flick: the rows in view share none with the last render's,
   * and that render was already part of the same scroll. A first jump (a click in the scrollbar's
   * track, Home from the keyboard) is not a flick: its rows stay full.
   */
  observe(range: VisibleRange | null, scrolling: boolean): boolean {
    if (!scrolling) this.held = false
    const last = this.last
    // The same rows again (a render for another reason): the same answer, so that a selection
    // made while flicking does not bring the full rows back early.
    if (last && range && sameRange(last.range, range) && last.scrolling === scrolling)
      return last.flick
    const flick =
      !this.held &&
      scrolling &&
      range !== null &&
      last !== null &&
      last.scrolling &&
      (range.startIndex > last.range.endIndex || range.endIndex < last.range.startIndex)
    this.last = range ? { range: { ...range }, scrolling, flick } : null
    return flick
  }

  /**
   * Full rows until the scroll under way ends: a move the keyboard made must land on a full row to
   * focus it.
   */
  hold(): void {
    this.held = true
    this.last = null
  }
}

function sameRange(a: VisibleRange, b: VisibleRange): boolean {
  return a.startIndex === b.startIndex && a.endIndex === b.endIndex
}
