// Turns a world spec into `docker load` archives (the docker-save format: manifest.json, one
// <config-digest>.json per image, <diff-id>/layer.tar per layer), the format
// tests/support/image-archive.ts generates for the engine tests. The config digest is the image
// ID, so IDs are known before loading and are the same on every engine.
import { createCipheriv, createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { endOfArchive, entryChunks, tarOf } from './tar.mjs'

const BUSYBOX = '/bin/busybox'
const APPLETS = ['sh', 'sleep', 'true', 'echo', 'cat', 'ls']
const DEFAULT_ENV = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']
const ARCHITECTURES = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' }

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex')

/** Deterministic, incompressible bytes (AES-CTR keystream keyed by a name). */
function randomBytes(name, size) {
  const key = createHash('sha256').update(`drydock-bench:${name}`).digest()
  return createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(size))
}

/** A number in [0, 1) fixed by a name, for sizes that vary without a random seed. */
function fraction(name) {
  return createHash('sha256').update(name).digest().readUInt32BE(0) / 2 ** 32
}

/** Files of one layer → its tar: parents first, sorted, like a real image layer. */
function layerTar(files) {
  const entries = new Map()
  for (const [path, file] of Object.entries(files)) {
    const parts = path.split('/')
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/')
      if (!entries.has(dir)) entries.set(dir, { name: `${dir}/`, type: 'directory' })
    }
    entries.set(path, { name: path, ...file })
  }
  return tarOf([...entries.keys()].sort().map((key) => entries.get(key)))
}

/**
 * Every base carries a static busybox (so any image can run `sleep`) plus filler that makes the
 * bases distinct and 2-5 MB in all.
 */
function baseFiles(index, busybox) {
  const files = {}
  if (busybox) {
    files['bin/busybox'] = { type: 'file', body: busybox, mode: 0o755 }
    for (const applet of APPLETS) files[`bin/${applet}`] = { type: 'symlink', target: 'busybox' }
  }
  files['etc/os-release'] = { type: 'file', body: Buffer.from(`ID=bench\nVERSION_ID=${index}\n`) }
  const filler = Math.round((1 + 3 * fraction(`base-${index}`)) * 1_000_000)
  const fileCount = 24
  for (let f = 0; f < fileCount; f++) {
    const name = `usr/lib/base-${index}/lib${f}.so`
    files[name] = { type: 'file', body: randomBytes(name, Math.round(filler / fileCount)) }
  }
  return files
}

function midFiles(index) {
  const files = {}
  const total = Math.round((150 + 100 * fraction(`mid-${index}`)) * 1000)
  for (let f = 0; f < 4; f++) {
    const name = `opt/mid-${index}/module${f}.bin`
    files[name] = { type: 'file', body: randomBytes(name, Math.round(total / 4)) }
  }
  return files
}

function topFiles(index) {
  const name = `app/${index}/app.bin`
  const size = Math.round((4 + 16 * fraction(`top-${index}`)) * 1000)
  return {
    [name]: { type: 'file', body: randomBytes(name, size) },
    [`app/${index}/VERSION`]: { type: 'file', body: Buffer.from(`${index}\n`) },
  }
}

/** True when a 64-bit little-endian ELF names a program interpreter (is dynamically linked). */
function hasElfInterpreter(binary) {
  if (binary.readUInt32BE(0) !== 0x7f454c46 || binary[4] !== 2 || binary[5] !== 1) return true
  const offset = Number(binary.readBigUInt64LE(0x20))
  const entrySize = binary.readUInt16LE(0x36)
  const count = binary.readUInt16LE(0x38)
  const PT_INTERP = 3
  for (let i = 0; i < count; i++)
    if (binary.readUInt32LE(offset + i * entrySize) === PT_INTERP) return true
  return false
}

/** Debian's busybox-static, or null: a dynamic one cannot run in an image without libc. */
export function readBusybox() {
  if (!existsSync(BUSYBOX)) return null
  const binary = readFileSync(BUSYBOX)
  return hasElfInterpreter(binary) ? null : binary
}

/**
 * Builds every layer tar and image config once. Returns the images with their IDs and the
 * layers by key, ready to be packed into archives for any number of engines.
 */
export function buildWorldImages(spec, { busybox }) {
  const architecture = ARCHITECTURES[process.arch]
  if (!architecture) throw new Error(`no Docker architecture name for ${process.arch}`)

  const layers = new Map()
  for (const { key, kind, index } of spec.layers) {
    const files =
      kind === 'base'
        ? baseFiles(index, busybox)
        : kind === 'mid'
          ? midFiles(index)
          : topFiles(index)
    const tar = layerTar(files)
    layers.set(key, { key, tar, diffIdHex: sha256(tar) })
  }

  const images = spec.images.map((image) => {
    const created = image.created.toISOString().replace('.000Z', 'Z')
    const diffIds = image.layerKeys.map((key) => `sha256:${layers.get(key).diffIdHex}`)
    // Fixed key order: the same spec must give the same bytes, hence the same image ID.
    const config = Buffer.from(
      JSON.stringify({
        architecture,
        config: {
          Env: DEFAULT_ENV,
          Cmd: ['/bin/sleep', '3600'],
          Entrypoint: null,
          Labels: Object.keys(image.labels).length > 0 ? image.labels : null,
        },
        created,
        history: image.layerKeys.map((key) => ({ created, created_by: `drydock-bench ${key}` })),
        os: 'linux',
        rootfs: { type: 'layers', diff_ids: diffIds },
      }),
    )
    const configHex = sha256(config)
    return { ...image, id: `sha256:${configHex}`, configHex, config }
  })
  return { images, layers }
}

/**
 * The chunks of one docker-save archive holding `images` (each layer once), as a generator so it
 * streams into the engine without building a second copy of every layer in memory.
 */
export function* archiveChunks(images, layers) {
  const written = new Set()
  const manifest = []
  for (const image of images) {
    for (const key of image.layerKeys) {
      const { diffIdHex, tar } = layers.get(key)
      if (written.has(diffIdHex)) continue
      written.add(diffIdHex)
      yield* entryChunks({ name: `${diffIdHex}/`, type: 'directory' })
      yield* entryChunks({ name: `${diffIdHex}/layer.tar`, type: 'file', body: tar })
    }
    yield* entryChunks({ name: `${image.configHex}.json`, type: 'file', body: image.config })
    manifest.push({
      Config: `${image.configHex}.json`,
      RepoTags: image.tags.length > 0 ? image.tags : null,
      Layers: image.layerKeys.map((key) => `${layers.get(key).diffIdHex}/layer.tar`),
    })
  }
  yield* entryChunks({
    name: 'manifest.json',
    type: 'file',
    body: Buffer.from(JSON.stringify(manifest)),
  })
  yield endOfArchive()
}
