// A minimal, synchronous ustar writer. The benchmark hashes every layer tar (its sha256 is the
// layer's diff ID) and streams thousands of small entries into `docker load`, so a plain
// Buffer-returning writer is simpler and faster here than tar-stream's callback-per-entry API.
// Output is byte-for-byte deterministic: owner root, mtime 0, entries in the order given.

const BLOCK = 512
const END_OF_ARCHIVE = Buffer.alloc(BLOCK * 2)

/**
 * @typedef {{ name: string, type: 'file', body: Buffer, mode?: number }
 *   | { name: string, type: 'directory', mode?: number }
 *   | { name: string, type: 'symlink', target: string }} TarEntry
 */

function writeString(block, offset, length, value) {
  const bytes = Buffer.from(value, 'utf8')
  if (bytes.length > length) throw new Error(`tar field too long (${length}): ${value}`)
  bytes.copy(block, offset)
}

function writeOctal(block, offset, length, value) {
  // length-1 octal digits, then NUL, as GNU tar and Go's archive/tar write them.
  writeString(block, offset, length, value.toString(8).padStart(length - 1, '0'))
}

/** The 512-byte ustar header of one entry. */
export function tarHeader(entry) {
  const block = Buffer.alloc(BLOCK)
  const size = entry.type === 'file' ? entry.body.length : 0
  const defaultMode = entry.type === 'directory' ? 0o755 : entry.type === 'symlink' ? 0o777 : 0o644
  writeString(block, 0, 100, entry.name)
  writeOctal(block, 100, 8, entry.mode ?? defaultMode)
  writeOctal(block, 108, 8, 0) // uid
  writeOctal(block, 116, 8, 0) // gid
  writeOctal(block, 124, 12, size)
  writeOctal(block, 136, 12, 0) // mtime
  block.fill(0x20, 148, 156) // checksum is computed with its own field as spaces
  block[156] = entry.type === 'directory' ? 0x35 : entry.type === 'symlink' ? 0x32 : 0x30
  if (entry.type === 'symlink') writeString(block, 157, 100, entry.target)
  writeString(block, 257, 6, 'ustar\0')
  writeString(block, 263, 2, '00')
  let sum = 0
  for (const byte of block) sum += byte
  writeString(block, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `)
  return block
}

function padding(size) {
  const rest = size % BLOCK
  return rest === 0 ? null : Buffer.alloc(BLOCK - rest)
}

/** The chunks of one entry (header, body, padding), for streaming. */
export function* entryChunks(entry) {
  yield tarHeader(entry)
  if (entry.type === 'file' && entry.body.length > 0) {
    yield entry.body
    const pad = padding(entry.body.length)
    if (pad) yield pad
  }
}

/** The two zero blocks that end an archive. */
export function endOfArchive() {
  return END_OF_ARCHIVE
}

/** A whole archive in memory (layer tars are small enough for that). */
export function tarOf(entries) {
  const chunks = []
  for (const entry of entries) chunks.push(...entryChunks(entry))
  chunks.push(END_OF_ARCHIVE)
  return Buffer.concat(chunks)
}
