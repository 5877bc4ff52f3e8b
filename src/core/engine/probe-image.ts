/**
 * The free-space probe's image, made here as a `docker load` archive (the docker-save format:
 * manifest.json, the config JSON, one layer tar holding the static binary of
 * resources/probe/statfs.c). No registry, no network: it works offline and on any engine that
 * loads archives. Every byte is fixed (created date, mtimes, owners, key order), so one binary
 * always gives one image ID.
 *
 * The image and every container made from it carry PROBE_LABEL: Drydock leaves them out of its
 * inventories, plans, counts and use events (see isProbeLabelled).
 */
import { createHash } from 'node:crypto'
import { PROBE_BINARIES } from './probe-binaries'

/** On the probe image and its containers; its value names the binary (see probeImage). */
export const PROBE_LABEL = 'dev.drydock.probe'

export type ProbeArchitecture = keyof typeof PROBE_BINARIES

/** The engine's architecture (Go's name, or `uname -m`'s) when the probe is built for it. */
export function probeArchitecture(engineArch: string): ProbeArchitecture | null {
  const arch = engineArch.toLowerCase()
  if (arch === 'amd64' || arch === 'x86_64') return 'amd64'
  if (arch === 'arm64' || arch === 'aarch64') return 'arm64'
  return null
}

/** Whether an object's labels mark it as Drydock's probe (never shown, planned or counted). */
export function isProbeLabelled(labels: Record<string, string> | null | undefined): boolean {
  return labels !== null && labels !== undefined && PROBE_LABEL in labels
}

export const PROBE_ENTRYPOINT = '/drydock-statfs'
const CREATED = '2024-01-01T00:00:00Z'

export interface ProbeImage {
  arch: ProbeArchitecture
  /** The label's value: the architecture and the binary's digest, so versions never mix. */
  version: string
  /** 'sha256:…' of the config: the image ID in the classic store. */
  configDigest: string
  archive: Buffer
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** One ustar header block: a regular file (mode 0644 unless given) or a directory. */
function tarHeader(name: string, size: number, type: 'file' | 'dir', mode: number): Buffer {
  const header = Buffer.alloc(512)
  const field = (text: string, offset: number, length: number) =>
    header.write(text, offset, length, 'ascii')
  const octal = (value: number, offset: number, length: number) =>
    field(value.toString(8).padStart(length - 1, '0'), offset, length - 1)
  field(name, 0, 100)
  octal(mode, 100, 8)
  octal(0, 108, 8) // uid
  octal(0, 116, 8) // gid
  octal(size, 124, 12)
  octal(0, 136, 12) // mtime: the epoch, always
  field('        ', 148, 8) // the checksum counts its own field as spaces
  field(type === 'dir' ? '5' : '0', 156, 1)
  field('ustar\u000000', 257, 8)
  let sum = 0
  for (const byte of header) sum += byte
  field(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8)
  return header
}

interface TarEntry {
  name: string
  body?: Buffer
  mode?: number
}

/** A tar of the entries in the order given (directories end with '/'), closed by two zero blocks. */
export function tarOf(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = []
  for (const entry of entries) {
    if (Buffer.byteLength(entry.name) >= 100) throw new Error(`tar name too long: ${entry.name}`)
    const isDir = entry.name.endsWith('/')
    const body = entry.body ?? Buffer.alloc(0)
    parts.push(tarHeader(entry.name, body.length, isDir ? 'dir' : 'file', entry.mode ?? 0o644))
    if (body.length > 0) {
      parts.push(body, Buffer.alloc((512 - (body.length % 512)) % 512))
    }
  }
  parts.push(Buffer.alloc(1024))
  return Buffer.concat(parts)
}

const images = new Map<ProbeArchitecture, ProbeImage>()

/** The probe image for one architecture, built once per process. */
export function probeImage(arch: ProbeArchitecture): ProbeImage {
  const known = images.get(arch)
  if (known) return known
  const binary = Buffer.from(PROBE_BINARIES[arch], 'base64')
  const version = `statfs-${arch}-${sha256(binary).slice(0, 12)}`
  const layer = tarOf([{ name: PROBE_ENTRYPOINT.slice(1), body: binary, mode: 0o755 }])
  const layerDigest = sha256(layer)
  // Key order is fixed: the same binary always gives the same config bytes, hence the same ID.
  const config = Buffer.from(
    JSON.stringify({
      architecture: arch,
      ...(arch === 'arm64' ? { variant: 'v8' } : {}),
      config: {
        Entrypoint: [PROBE_ENTRYPOINT],
        Cmd: null,
        Env: null,
        Labels: { [PROBE_LABEL]: version },
      },
      created: CREATED,
      history: [{ created: CREATED, created_by: 'Drydock free-space probe (statfs of /)' }],
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [`sha256:${layerDigest}`] },
    }),
  )
  const configDigest = sha256(config)
  const manifest = Buffer.from(
    JSON.stringify([
      { Config: `${configDigest}.json`, RepoTags: null, Layers: [`${layerDigest}/layer.tar`] },
    ]),
  )
  const archive = tarOf([
    { name: `${configDigest}.json`, body: config },
    { name: `${layerDigest}/`, mode: 0o755 },
    { name: `${layerDigest}/layer.tar`, body: layer },
    { name: 'manifest.json', body: manifest },
  ])
  const image = { arch, version, configDigest: `sha256:${configDigest}`, archive }
  images.set(arch, image)
  return image
}
