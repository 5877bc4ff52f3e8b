/**
 * When a scroll is a flick: the rows in view change wholesale from one frame to the next, so each
 * row is on the screen for a single frame and no one reads it. The table then renders light rows
 * (the reference and a few figures, no controls) and renders full rows again as soon as the scroll
 * slows or stops. A full row costs the renderer most of a frame (layout and paint of every cell,
 * scripts/bench/ui-images.mjs); react-window's `isScrolling` placeholders are the same trade.
 *
 * Pure: the table feeds it each render's visible range, the tests feed it numbers. It keeps what it
 * saw between renders, and answers a render of the same rows as it answered the last one, so a
 * render done twice (React's strict mode) gets the same answer twice.
 */

/** The rows in view, first and last index (the virtualizer's range, without overscan). */
export interface VisibleRange {
  startIndex: number
  endIndex: number
}

/** Frames in a row before the rows change: light after this many with all rows new, full after
 * this many that kept a row in view (so that a speed near the line does not switch every frame:
 * a full frame after a light one builds every cell anew). */
const FRAMES_TO_SWITCH = 2

export class FlickWatch {
  private last: { range: VisibleRange; scrolling: boolean; flick: boolean } | null = null
  /** Scroll frames in a row whose rows were all new, and that kept a row in view. */
  private allNew = 0
  private kept = 0
  private wasScrolling = false
  /** Set by a keyboard move until the scroll under way (or the one it starts) has ended. */
  private held = false

  /**
   * Whether this render is part of a flick: two scroll frames in a row each showed only rows the
   * frame before did not. A first jump (a click in the scrollbar's track, Home from the keyboard)
   * is not a flick: its rows stay full.
   */
  observe(range: VisibleRange | null, scrolling: boolean): boolean {
    if (this.wasScrolling && !scrolling) this.held = false
    this.wasScrolling = scrolling
    const last = this.last
    // The same rows again (a render for another reason): the same answer, so that a selection
    // made while flicking does not bring the full rows back early.
    if (last && range && sameRange(last.range, range) && last.scrolling === scrolling)
      return last.flick
    let flick = false
    if (scrolling && range && last?.scrolling && !this.held) {
      if (range.startIndex > last.range.endIndex || range.endIndex < last.range.startIndex) {
        this.allNew += 1
        this.kept = 0
      } else {
        this.kept += 1
        this.allNew = 0
      }
      flick = last.flick ? this.kept < FRAMES_TO_SWITCH : this.allNew >= FRAMES_TO_SWITCH
    } else {
      this.allNew = 0
      this.kept = 0
    }
    this.last = range ? { range: { ...range }, scrolling, flick } : null
    return flick
  }

  /**
   * Full rows from the next render until the scroll under way, or the one about to start, has
   * ended: a move the keyboard made must land on a full row to focus its checkbox.
   */
  hold(): void {
    this.held = true
    this.last = null
  }
}

function sameRange(a: VisibleRange, b: VisibleRange): boolean {
  return a.startIndex === b.startIndex && a.endIndex === b.endIndex
}
