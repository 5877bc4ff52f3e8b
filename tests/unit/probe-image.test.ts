// The probe's image: a `docker load` archive made byte for byte the same every time (so its ID is
// stable), holding one static binary of the right architecture, labelled so Drydock hides it.
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { PROBE_BINARIES } from '../../src/core/engine/probe-binaries'
import {
  isProbeLabelled,
  PROBE_ENTRYPOINT,
  PROBE_LABEL,
  probeArchitecture,
  probeImage,
  tarOf,
} from '../../src/core/engine/probe-image'
import { parseProbeOutput, spaceOf } from '../../src/core/engine/probe'
import { isUseEvent } from '../../src/core/engine/image-use-events'
import { readDiskUsage } from '../../src/core/engine/disk-usage'

/** The entries of a tar: name, mode, body (regular files only have a body). */
function untar(archive: Buffer): Map<string, { mode: number; body: Buffer }> {
  const entries = new Map<string, { mode: number; body: Buffer }>()
  let offset = 0
  while (offset + 512 <= archive.length) {
    const header = archive.subarray(offset, offset + 512)
    if (header.every((byte) => byte === 0)) break
    const name = header.toString('ascii', 0, 100).replace(/\0.*$/s, '')
    const mode = parseInt(header.toString('ascii', 100, 107), 8)
    const size = parseInt(header.toString('ascii', 124, 135), 8)
    // The checksum: the header's bytes with its own field counted as spaces.
    const stored = parseInt(header.toString('ascii', 148, 154), 8)
    let sum = 0
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!
    expect(stored).toBe(sum)
    entries.set(name, { mode, body: archive.subarray(offset + 512, offset + 512 + size) })
    offset += 512 + Math.ceil(size / 512) * 512
  }
  return entries
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

/** ELF e_machine: 62 x86-64, 183 AArch64; and no PT_INTERP (static: nothing to load). */
function elfFacts(binary: Buffer): { machine: number; static: boolean; executable: boolean } {
  expect(binary.readUInt32BE(0)).toBe(0x7f454c46)
  const phoff = Number(binary.readBigUInt64LE(0x20))
  const phentsize = binary.readUInt16LE(0x36)
  const phnum = binary.readUInt16LE(0x38)
  let interp = false
  for (let i = 0; i < phnum; i++)
    if (binary.readUInt32LE(phoff + i * phentsize) === 3) interp = true
  return {
    machine: binary.readUInt16LE(0x12),
    static: !interp,
    executable: binary.readUInt16LE(0x10) === 2,
  }
}

describe('the probe image', () => {
  it.each([
    ['amd64', 62],
    ['arm64', 183],
  ] as const)('%s: a tiny static binary for that architecture', (arch, machine) => {
    const binary = Buffer.from(PROBE_BINARIES[arch], 'base64')
    expect(binary.length).toBeLessThan(4096)
    expect(elfFacts(binary)).toEqual({ machine, static: true, executable: true })
  })

  it.each(['amd64', 'arm64'] as const)(
    '%s: a docker-save archive with the binary as its one layer',
    (arch) => {
      const image = probeImage(arch)
      const entries = untar(image.archive)
      const manifest = JSON.parse(entries.get('manifest.json')!.body.toString()) as {
        Config: string
        RepoTags: string[] | null
        Layers: string[]
      }[]
      expect(manifest).toHaveLength(1)
      expect(manifest[0]!.RepoTags).toBeNull() // loaded untagged: no name to collide with
      const configBytes = entries.get(manifest[0]!.Config)!.body
      // The classic store's image ID is the config's digest.
      expect(image.configDigest).toBe(`sha256:${sha256(configBytes)}`)
      expect(manifest[0]!.Config).toBe(`${sha256(configBytes)}.json`)
      const config = JSON.parse(configBytes.toString()) as {
        architecture: string
        os: string
        created: string
        config: { Entrypoint: string[]; Labels: Record<string, string> }
        rootfs: { diff_ids: string[] }
      }
      expect(config).toMatchObject({
        architecture: arch,
        os: 'linux',
        created: '2024-01-01T00:00:00Z',
      })
      expect(config.config.Entrypoint).toEqual([PROBE_ENTRYPOINT])
      expect(config.config.Labels).toEqual({ [PROBE_LABEL]: image.version })
      expect(image.version).toMatch(new RegExp(`^statfs-${arch}-[0-9a-f]{12}$`))

      const layerTar = entries.get(manifest[0]!.Layers[0]!)!.body
      expect(config.rootfs.diff_ids).toEqual([`sha256:${sha256(layerTar)}`])
      const layer = untar(layerTar)
      expect([...layer.keys()]).toEqual(['drydock-statfs'])
      expect(layer.get('drydock-statfs')!.mode).toBe(0o755)
      expect(
        layer.get('drydock-statfs')!.body.equals(Buffer.from(PROBE_BINARIES[arch], 'base64')),
      ).toBe(true)
    },
  )

  it('is the same bytes every time (a stable image ID), and differs by architecture', () => {
    const amd64 = probeImage('amd64')
    expect(tarOf([{ name: 'a', body: Buffer.from('x') }])).toEqual(
      tarOf([{ name: 'a', body: Buffer.from('x') }]),
    )
    expect(amd64.configDigest).toBe(probeImage('amd64').configDigest)
    expect(amd64.configDigest).not.toBe(probeImage('arm64').configDigest)
  })

  it('maps engine architectures to the binaries there are', () => {
    expect(probeArchitecture('amd64')).toBe('amd64')
    expect(probeArchitecture('x86_64')).toBe('amd64')
    expect(probeArchitecture('arm64')).toBe('arm64')
    expect(probeArchitecture('aarch64')).toBe('arm64')
    expect(probeArchitecture('s390x')).toBeNull()
    expect(probeArchitecture('unknown')).toBeNull()
  })

  it('is told apart by its label, whatever the value', () => {
    expect(isProbeLabelled({ [PROBE_LABEL]: '1' })).toBe(true)
    expect(isProbeLabelled({ 'com.example': '1' })).toBe(false)
    expect(isProbeLabelled(null)).toBe(false)
    expect(isProbeLabelled(undefined)).toBe(false)
  })
})

describe("the probe's answer", () => {
  it('is one JSON line of statfs fields; free is bavail, as df counts it', () => {
    const reading = parseProbeOutput(
      '{"bsize":4096,"frsize":4096,"blocks":100000,"bfree":60000,"bavail":55000,"files":6400,"ffree":6000,"type":2035054128}\n',
    )
    expect(spaceOf(reading)).toEqual({ freeBytes: 55000 * 4096, totalBytes: 100000 * 4096 })
    // f_frsize is the unit of the counts; f_bsize only when the kernel leaves it 0.
    expect(spaceOf({ ...reading, bsize: 65536, frsize: 4096 }).totalBytes).toBe(100000 * 4096)
    expect(spaceOf({ ...reading, bsize: 4096, frsize: 0 }).totalBytes).toBe(100000 * 4096)
  })

  it.each([
    ['{"error":13}', /errno 13/],
    ['exec format error', /unexpected/],
    ['{"bsize":4096}', /lacks frsize/],
    [
      '{"bsize":0,"frsize":0,"blocks":1,"bfree":1,"bavail":1,"files":1,"ffree":1,"type":1}',
      /block size of 0/,
    ],
  ])('refuses %j', (text, message) => {
    expect(() => parseProbeOutput(text)).toThrow(message)
  })
})

describe("the probe is never the user's", () => {
  it('its runs are not image uses', () => {
    const attributes = { image: 'sha256:abc', [PROBE_LABEL]: 'statfs-amd64-0123456789ab' }
    expect(
      isUseEvent({
        Type: 'container',
        Action: 'start',
        Actor: { ID: 'c1', Attributes: attributes },
      }),
    ).toBe(false)
    expect(
      isUseEvent({
        Type: 'image',
        Action: 'load',
        Actor: { ID: 'sha256:abc', Attributes: attributes },
      }),
    ).toBe(false)
    expect(
      isUseEvent({
        Type: 'container',
        Action: 'start',
        Actor: { ID: 'c2', Attributes: { image: 'app:1' } },
      }),
    ).toBe(true)
  })

  it('a df that catches it counts neither its image, its layer nor its container', () => {
    const usage = readDiskUsage(
      {
        LayersSize: 5000 + 944,
        Images: [
          { Size: 5000, Labels: { app: '1' } },
          { Size: 944, Labels: { [PROBE_LABEL]: 'statfs-amd64-0123456789ab' } },
        ],
        Containers: [{ Id: 'p', SizeRw: 0, Labels: { [PROBE_LABEL]: 'x' } }],
      },
      {
        now: new Date('2025-03-10T12:00:00Z'),
        disks: {
          freeBytes: 1,
          totalBytes: 2,
          freeSource: 'probe',
          engineLocation: 'remote',
          hostDisk: null,
          vmDisk: null,
        },
      },
    )
    expect(usage).toMatchObject({ imagesBytes: 5000, imageCount: 1, containerCount: 0 })
  })
})
