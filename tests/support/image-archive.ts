// Generates `docker load` archives (the docker-save format: manifest.json, <config>.json,
// <layer>/layer.tar) so tests can make images with any created date, labels, sizes and shared
// layers without a registry or the docker CLI.
import { createCipheriv, createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { Readable } from 'node:stream'
import type Dockerode from 'dockerode'
import { pack, type Headers } from 'tar-stream'
import { readEngineStream, type TestRun } from './test-engine'

/** Deterministic, incompressible content: same path, size and seed give the same bytes. */
export interface RandomFile {
  size: number
  seed?: number
  mode?: number
}
export interface SymlinkFile {
  symlink: string
}
export interface ModeFile {
  content: string | Buffer
  mode: number
}
export type LayerFile = string | Buffer | RandomFile | SymlinkFile | ModeFile

export interface LayerSpec {
  /** Paths inside the image ('/bin/sh' or 'bin/sh'); parent directories are added. */
  files: Record<string, LayerFile>
}

export interface ImageSpec {
  /** Full references ('drydock-test/base:1'); [] loads the image untagged (dangling). */
  tags: string[]
  created: Date | string
  labels?: Record<string, string>
  layers: LayerSpec[]
  cmd?: string[]
  entrypoint?: string[]
  env?: string[]
}

export interface LoadedImage {
  /** 'sha256:…' — the digest of the config JSON, the image ID in the classic store. */
  id: string
  tags: string[]
  spec: ImageSpec
  /** 'sha256:…' of each uncompressed layer tar, bottom first. */
  diffIds: string[]
}

const DEFAULT_ENV = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']
const EPOCH = new Date(0)
const BUSYBOX_PATH = '/bin/busybox'
const BUSYBOX_APPLETS = ['sh', 'sleep', 'true', 'echo', 'cat', 'ls']

// --- layers ---------------------------------------------------------------------------------

interface TarEntry {
  header: Headers
  body?: Buffer
}

/** The byte-exact tar of some files: sorted, parents first, owner root, mtime 0. */
export async function tarOfFiles(files: Record<string, LayerFile>, prefix = ''): Promise<Buffer> {
  return tarOf(entriesOf(files, prefix))
}

function entriesOf(files: Record<string, LayerFile>, prefix: string): TarEntry[] {
  const entries = new Map<string, TarEntry>()
  const addDirectory = (dir: string): void => {
    if (!entries.has(dir)) {
      entries.set(dir, { header: header(`${dir}/`, { type: 'directory', mode: 0o755 }) })
    }
  }
  for (const [rawPath, file] of Object.entries(files)) {
    const filePath = prefix + normalizePath(rawPath)
    const parts = filePath.split('/')
    for (let i = 1; i < parts.length; i++) addDirectory(parts.slice(0, i).join('/'))
    entries.set(filePath, fileEntry(filePath, file))
  }
  return [...entries.keys()].sort().map((key) => entries.get(key) as TarEntry)
}

function fileEntry(name: string, file: LayerFile): TarEntry {
  if (typeof file === 'string' || Buffer.isBuffer(file)) {
    return { header: header(name, { type: 'file', mode: 0o644 }), body: Buffer.from(file) }
  }
  if ('symlink' in file) {
    return { header: header(name, { type: 'symlink', linkname: file.symlink, mode: 0o777 }) }
  }
  if ('content' in file) {
    return {
      header: header(name, { type: 'file', mode: file.mode }),
      body: Buffer.from(file.content),
    }
  }
  return {
    header: header(name, { type: 'file', mode: file.mode ?? 0o644 }),
    body: randomBytesFor(name, file.size, file.seed ?? 0),
  }
}

function header(name: string, fields: Omit<Headers, 'name'>): Headers {
  return { name, uid: 0, gid: 0, uname: '', gname: '', mtime: EPOCH, ...fields }
}

function normalizePath(rawPath: string): string {
  const trimmed = rawPath.replace(/^\/+/, '').replace(/\/+$/, '')
  const parts = trimmed.split('/')
  if (trimmed === '' || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new Error(`invalid path in layer spec: ${JSON.stringify(rawPath)}`)
  }
  return trimmed
}

/** AES-CTR keystream: fast, incompressible, reproducible from (path, seed). */
function randomBytesFor(name: string, size: number, seed: number): Buffer {
  if (!Number.isSafeInteger(size) || size < 0)
    throw new Error(`invalid size ${String(size)} for ${name}`)
  const key = createHash('sha256')
    .update(`drydock-test:${String(seed)}:${name}`)
    .digest()
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16))
  return cipher.update(Buffer.alloc(size))
}

async function tarOf(entries: TarEntry[]): Promise<Buffer> {
  const archive = pack()
  const collected = collect(archive)
  for (const entry of entries) {
    await new Promise<void>((resolve, reject) => {
      archive.entry(entry.header, entry.body, (error) => {
        if (error) reject(error)
        else resolve()
      })
    })
  }
  archive.finalize()
  return collected
}

function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    stream.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
    })
    stream.on('end', () => {
      resolve(Buffer.concat(chunks))
    })
    stream.on('error', reject)
  })
}

function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex')
}

// --- busybox --------------------------------------------------------------------------------

let busyboxBinary: Buffer | undefined

/** /bin/busybox (Debian's busybox-static) with /bin/sh and a few applets linked to it. */
export function busyboxLayer(): LayerSpec {
  busyboxBinary ??= readStaticBusybox()
  const files: Record<string, LayerFile> = {
    '/bin/busybox': { content: busyboxBinary, mode: 0o755 },
  }
  for (const applet of BUSYBOX_APPLETS) files[`/bin/${applet}`] = { symlink: 'busybox' }
  return { files }
}

function readStaticBusybox(): Buffer {
  let binary: Buffer
  try {
    binary = readFileSync(BUSYBOX_PATH)
  } catch (error) {
    throw new Error(
      `${BUSYBOX_PATH} is missing; install busybox-static (apt-get install -y busybox-static)`,
      {
        cause: error,
      },
    )
  }
  if (hasElfInterpreter(binary)) {
    throw new Error(
      `${BUSYBOX_PATH} is dynamically linked and cannot run in an empty image; install busybox-static`,
    )
  }
  return binary
}

/** True when a 64-bit little-endian ELF names a program interpreter (i.e. is not static). */
function hasElfInterpreter(binary: Buffer): boolean {
  const isElf64Le = binary.readUInt32BE(0) === 0x7f454c46 && binary[4] === 2 && binary[5] === 1
  if (!isElf64Le) throw new Error(`${BUSYBOX_PATH} is not a 64-bit little-endian ELF binary`)
  const programHeaderOffset = Number(binary.readBigUInt64LE(0x20))
  const programHeaderSize = binary.readUInt16LE(0x36)
  const programHeaderCount = binary.readUInt16LE(0x38)
  const PT_INTERP = 3
  for (let i = 0; i < programHeaderCount; i++) {
    if (binary.readUInt32LE(programHeaderOffset + i * programHeaderSize) === PT_INTERP) return true
  }
  return false
}

// --- archives -------------------------------------------------------------------------------

interface BuiltImage {
  spec: ImageSpec
  config: Buffer
  layers: { diffIdHex: string; tar: Buffer }[]
}

const ARCHITECTURES: Partial<Record<NodeJS.Architecture, string>> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
}

export function engineArchitecture(): string {
  const architecture = ARCHITECTURES[process.arch]
  if (!architecture) throw new Error(`no Docker architecture name for ${process.arch}`)
  return architecture
}

function isoDate(created: Date | string): string {
  const date = created instanceof Date ? created : new Date(created)
  if (Number.isNaN(date.getTime())) throw new Error(`invalid created date ${String(created)}`)
  return date.toISOString().replace('.000Z', 'Z')
}

async function buildImage(spec: ImageSpec): Promise<BuiltImage> {
  const layers = await Promise.all(
    spec.layers.map(async (layer) => {
      const tar = await tarOfFiles(layer.files)
      return { diffIdHex: sha256Hex(tar), tar }
    }),
  )
  const created = isoDate(spec.created)
  // Key order is fixed so the same spec always gives the same config bytes, hence the same ID.
  const config = {
    architecture: engineArchitecture(),
    config: {
      Env: spec.env ?? DEFAULT_ENV,
      Cmd: spec.cmd ?? null,
      Entrypoint: spec.entrypoint ?? null,
      Labels: spec.labels ?? null,
    },
    created,
    history: layers.map((_, index) => ({
      created,
      created_by: `drydock-test layer ${String(index + 1)}/${String(layers.length)}`,
    })),
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: layers.map((l) => `sha256:${l.diffIdHex}`) },
  }
  return { spec, config: Buffer.from(JSON.stringify(config)), layers }
}

/** One docker-save archive holding all the images; a layer used twice is stored once. */
export async function buildImageArchive(images: ImageSpec[]): Promise<Buffer> {
  return archiveOf(await Promise.all(images.map(buildImage)))
}

async function archiveOf(images: BuiltImage[]): Promise<Buffer> {
  const files = new Map<string, Buffer>()
  const manifest = images.map((image) => {
    const configName = `${sha256Hex(image.config)}.json`
    files.set(configName, image.config)
    const layerNames = image.layers.map((layer) => {
      const name = `${layer.diffIdHex}/layer.tar`
      files.set(name, layer.tar)
      return name
    })
    return {
      Config: configName,
      RepoTags: image.spec.tags.length > 0 ? image.spec.tags : null,
      Layers: layerNames,
    }
  })
  files.set('manifest.json', Buffer.from(JSON.stringify(manifest)))
  const entries: Record<string, LayerFile> = {}
  for (const [name, bytes] of files) entries[name] = bytes
  return tarOfFiles(entries)
}

/**
 * Loads the images into the engine and returns their IDs. With a run, each image gets the run's
 * label (part of the config, so of the ID) and is tracked for cleanup.
 */
export async function loadImages(
  docker: Dockerode,
  images: ImageSpec[],
  run?: TestRun,
): Promise<LoadedImage[]> {
  const specs = run
    ? images.map((spec) => ({ ...spec, labels: { ...spec.labels, ...run.labels } }))
    : images
  const built = await Promise.all(specs.map(buildImage))
  const archive = await archiveOf(built)
  await readEngineStream(await docker.loadImage(Readable.from([archive]), { quiet: true }))

  const loaded = built.map((image, index) => ({
    id: `sha256:${sha256Hex(image.config)}`,
    tags: image.spec.tags,
    spec: images[index] as ImageSpec,
    diffIds: image.layers.map((l) => `sha256:${l.diffIdHex}`),
  }))
  for (const image of loaded) {
    run?.imageIds.add(image.id)
    // A mismatch would mean the engine rewrote the config: every test relying on IDs would lie.
    const inspected = (await docker.getImage(image.id).inspect()) as { Id: string }
    if (inspected.Id !== image.id) {
      throw new Error(`engine reports ${inspected.Id} for an image loaded as ${image.id}`)
    }
  }
  return loaded
}
