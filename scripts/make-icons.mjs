#!/usr/bin/env node
// Draws Drydock's icons from the vector mark of resources/icon.svg (boxes on a hull on
// stilts) and writes them to resources/: the app icon, and the tray icon in a normal and an alert
// variant as macOS template images (black + alpha, 1x and @2x), Linux PNGs and Windows ICOs.
// No dependencies: shapes are rasterised with 8x8 supersampling, PNGs are written with
// node:zlib, and an ICO simply wraps PNGs (supported since Windows Vista).
// The output is deterministic; packaging.test.ts checks the committed files match it.
//
//   node scripts/make-icons.mjs [--out DIR]     (default: resources/)
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deflateSync } from 'node:zlib'

const SAMPLES = 8

// ---- shapes, in the 32x32 units of icon.svg; each answers "is this point inside?" and carries
// its bounding box, so the rasteriser samples only where a shape can be.

const bounded = (box, test) => Object.assign(test, { box })

const roundedRect = (x, y, w, h, r) =>
  bounded([x, y, x + w, y + h], (px, py) => {
    if (px < x || px > x + w || py < y || py > y + h) return false
    const cx = Math.min(Math.max(px, x + r), x + w - r)
    const cy = Math.min(Math.max(py, y + r), y + h - r)
    return (px - cx) ** 2 + (py - cy) ** 2 <= r * r
  })

const circle = (cx, cy, r) =>
  bounded([cx - r, cy - r, cx + r, cy + r], (px, py) => (px - cx) ** 2 + (py - cy) ** 2 <= r * r)

const polygon = (points) =>
  bounded(
    [
      Math.min(...points.map(([x]) => x)),
      Math.min(...points.map(([, y]) => y)),
      Math.max(...points.map(([x]) => x)),
      Math.max(...points.map(([, y]) => y)),
    ],
    (px, py) => {
      let inside = false
      for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
        const [xi, yi] = points[i]
        const [xj, yj] = points[j]
        if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside
      }
      return inside
    },
  )

/** A stroked segment with round caps. */
const segment = (x1, y1, x2, y2, width) =>
  bounded(
    [
      Math.min(x1, x2) - width / 2,
      Math.min(y1, y2) - width / 2,
      Math.max(x1, x2) + width / 2,
      Math.max(y1, y2) + width / 2,
    ],
    (px, py) => {
      const dx = x2 - x1
      const dy = y2 - y1
      const t = Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / (dx * dx + dy * dy)))
      return (px - x1 - t * dx) ** 2 + (py - y1 - t * dy) ** 2 <= (width / 2) ** 2
    },
  )

/** Points along a circular arc, for the hull's rounded bottom corners. */
function arc(cx, cy, r, from, to, steps = 6) {
  return Array.from({ length: steps + 1 }, (_, i) => {
    const a = from + ((to - from) * i) / steps
    return [cx + r * Math.cos(a), cy + r * Math.sin(a)]
  })
}

const hull = polygon([
  [5.5, 14],
  [26.5, 14],
  [23.9, 20.2],
  ...arc(22.05, 19.5, 2, 0.36, Math.PI / 2).slice(1),
  [9.95, 21.5],
  ...arc(9.95, 19.5, 2, Math.PI / 2, Math.PI - 0.36).slice(1),
])

const boxes = [
  [roundedRect(9, 8, 6, 4.5, 0.8), 1],
  [roundedRect(15.8, 8, 6, 4.5, 0.8), 0.7],
  [roundedRect(12.4, 3.4, 6, 4, 0.8), 0.85],
]

const stilts = [
  segment(10, 24.5, 10, 27.5, 1.6),
  segment(16, 24.5, 16, 27.5, 1.6),
  segment(22, 24.5, 22, 27.5, 1.6),
  segment(7, 27.5, 25, 27.5, 1.6),
]

const BLUE = [0x3d, 0x8f, 0xdc]
const WHITE = [0xff, 0xff, 0xff]
const BLACK = [0, 0, 0]
const AMBER = [0xf5, 0x9e, 0x0b]

/** Layers painted in order: { shape, color, opacity } or { shape, clear: true }. */
function markLayers({ background, glyph, solid }) {
  const layers = []
  if (background)
    layers.push({ shape: roundedRect(0, 0, 32, 32, 8), color: background, opacity: 1 })
  for (const [shape, opacity] of boxes)
    layers.push({ shape, color: glyph, opacity: solid ? 1 : opacity })
  layers.push({ shape: hull, color: glyph, opacity: 1 })
  for (const shape of stilts) layers.push({ shape, color: glyph, opacity: solid ? 1 : 0.75 })
  return layers
}

/** The alert badge: a gap cut around a dot in the top-right corner. */
function badgeLayers(color) {
  return [
    { shape: circle(25.5, 6.5, 7), clear: true },
    { shape: circle(25.5, 6.5, 5), color, opacity: 1 },
  ]
}

// ---- rasteriser: source-over compositing in premultiplied RGBA floats

function render(layers, size) {
  const out = new Float64Array(size * size * 4)
  const scale = 32 / size
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const i = (py * size + px) * 4
      for (const layer of layers) {
        const [x0, y0, x1, y1] = layer.shape.box
        if ((px + 1) * scale < x0 || px * scale > x1 || (py + 1) * scale < y0 || py * scale > y1)
          continue
        let hits = 0
        for (let sy = 0; sy < SAMPLES; sy++) {
          for (let sx = 0; sx < SAMPLES; sx++) {
            const x = (px + (sx + 0.5) / SAMPLES) * scale
            const y = (py + (sy + 0.5) / SAMPLES) * scale
            if (layer.shape(x, y)) hits++
          }
        }
        if (hits === 0) continue
        const coverage = hits / (SAMPLES * SAMPLES)
        if (layer.clear) {
          for (let c = 0; c < 4; c++) out[i + c] *= 1 - coverage
          continue
        }
        const a = coverage * layer.opacity
        for (let c = 0; c < 3; c++) out[i + c] = (layer.color[c] / 255) * a + out[i + c] * (1 - a)
        out[i + 3] = a + out[i + 3] * (1 - a)
      }
    }
  }
  // Un-premultiply into 8-bit RGBA.
  const rgba = Buffer.alloc(size * size * 4)
  for (let i = 0; i < out.length; i += 4) {
    const alpha = out[i + 3]
    for (let c = 0; c < 3; c++) rgba[i + c] = alpha > 0 ? Math.round((out[i + c] / alpha) * 255) : 0
    rgba[i + 3] = Math.round(alpha * 255)
  }
  return rgba
}

// ---- PNG and ICO

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(buffer) {
  let c = 0xffffffff
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type, data) {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

function png(rgba, size) {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header[8] = 8 // bits per channel
  header[9] = 6 // RGBA
  // Each row starts with filter type 0 (none).
  const rows = Buffer.alloc(size * (size * 4 + 1))
  for (let y = 0; y < size; y++)
    rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

function ico(images) {
  const header = Buffer.alloc(6)
  header.writeUInt16LE(1, 2) // type: icon
  header.writeUInt16LE(images.length, 4)
  let offset = 6 + 16 * images.length
  const entries = images.map(({ size, data }) => {
    const entry = Buffer.alloc(16)
    entry[0] = size >= 256 ? 0 : size // 0 means 256
    entry[1] = size >= 256 ? 0 : size
    entry.writeUInt16LE(1, 4) // colour planes
    entry.writeUInt16LE(32, 6) // bits per pixel
    entry.writeUInt32LE(data.length, 8)
    entry.writeUInt32LE(offset, 12)
    offset += data.length
    return entry
  })
  return Buffer.concat([header, ...entries, ...images.map(({ data }) => data)])
}

// ---- the icon set

export function makeIcons() {
  const files = {}
  const pngOf = (layers, size) => png(render(layers, size), size)
  const icoOf = (layers, sizes) => ico(sizes.map((size) => ({ size, data: pngOf(layers, size) })))

  const app = markLayers({ background: BLUE, glyph: WHITE, solid: false })
  files['icon.png'] = pngOf(app, 512)
  files['icon.ico'] = icoOf(app, [16, 24, 32, 48, 64, 128, 256])

  for (const alert of [false, true]) {
    // macOS template: black glyph, alpha only; the menu bar recolours it.
    const template = [
      ...markLayers({ glyph: BLACK, solid: true }),
      ...(alert ? badgeLayers(BLACK) : []),
    ]
    const name = alert ? 'trayAlertTemplate' : 'trayTemplate'
    files[`${name}.png`] = pngOf(template, 16)
    files[`${name}@2x.png`] = pngOf(template, 32)
    // Linux and Windows panels may be light or dark: the full-colour mark reads on both.
    const colour = [...app, ...(alert ? badgeLayers(AMBER) : [])]
    const base = alert ? 'tray-alert' : 'tray'
    files[`${base}.png`] = pngOf(colour, 32)
    files[`${base}.ico`] = icoOf(colour, [16, 20, 24, 32, 48])
  }
  return files
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outFlag = process.argv.indexOf('--out')
  const root = join(dirname(fileURLToPath(import.meta.url)), '..')
  const outDir = outFlag > 0 ? resolve(process.argv[outFlag + 1]) : join(root, 'resources')
  mkdirSync(outDir, { recursive: true })
  for (const [name, data] of Object.entries(makeIcons())) {
    writeFileSync(join(outDir, name), data)
    console.log(`${name}  ${data.length} bytes`)
  }
}
