/**
 * The main window's size and position, remembered between runs in a small JSON file in
 * userData. Saved bounds are clamped to the displays present now: a monitor that was unplugged,
 * or a resolution that shrank, must never leave the window off screen or larger than the screen.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { z } from 'zod'

const RectSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
})

export const WindowStateSchema = z.object({
  /** The normal (not maximized) bounds. */
  bounds: RectSchema,
  maximized: z.boolean(),
})

export type Rect = z.infer<typeof RectSchema>
export type WindowState = z.infer<typeof WindowStateSchema>

export interface SizeLimits {
  width: number
  height: number
  minWidth: number
  minHeight: number
}

export interface Placement {
  /** Position and size; no position means "let the OS centre it". */
  bounds: Rect | { width: number; height: number }
  maximized: boolean
}

function overlapArea(a: Rect, b: Rect): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)
  return width > 0 && height > 0 ? width * height : 0
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value))
}

/**
 * Where to open the window. `workAreas` are the displays' work areas, the primary one first.
 * The saved bounds go on the display they overlap most, shrunk to fit it and moved inside it;
 * if they overlap no display, the window opens centred on the primary display.
 */
export function placeWindow(
  saved: WindowState | null,
  workAreas: readonly Rect[],
  limits: SizeLimits,
): Placement {
  const defaults: Placement = {
    bounds: { width: limits.width, height: limits.height },
    maximized: false,
  }
  if (!saved || workAreas.length === 0) return defaults
  let best: Rect | null = null
  let bestArea = 0
  for (const area of workAreas) {
    const overlap = overlapArea(saved.bounds, area)
    if (overlap > bestArea) {
      best = area
      bestArea = overlap
    }
  }
  const area = best ?? workAreas[0]!
  // Never larger than the display, never smaller than the minimum (unless the display is).
  const width = Math.min(Math.max(saved.bounds.width, limits.minWidth), area.width)
  const height = Math.min(Math.max(saved.bounds.height, limits.minHeight), area.height)
  if (!best) {
    return {
      bounds: {
        x: area.x + Math.round((area.width - width) / 2),
        y: area.y + Math.round((area.height - height) / 2),
        width,
        height,
      },
      maximized: saved.maximized,
    }
  }
  return {
    bounds: {
      x: clamp(saved.bounds.x, area.x, area.x + area.width - width),
      y: clamp(saved.bounds.y, area.y, area.y + area.height - height),
      width,
      height,
    },
    maximized: saved.maximized,
  }
}

/** The saved state, or null when there is none or it is unreadable (then defaults apply). */
export function readWindowState(file: string): WindowState | null {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return null
  }
  try {
    const parsed = WindowStateSchema.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

export function writeWindowState(file: string, state: WindowState): void {
  mkdirSync(dirname(file), { recursive: true })
  const partial = `${file}.partial`
  writeFileSync(partial, `${JSON.stringify(WindowStateSchema.parse(state), null, 2)}\n`)
  renameSync(partial, file)
}
