/**
 * The free-space card rendered (to static markup, no DOM) for each place an engine runs: the
 * badge, where the figure came from, "could not be measured", and a VM's two disks.
 */
import { describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS } from '../../src/shared/settings'
import type { DiskUsage } from '../../src/shared/usage'

// The renderer's TSX is type-checked by tsconfig.web.json (JSX, DOM); this project has neither,
// and React's types would shadow the DOM's in the e2e specs. So the card and React are loaded by
// computed specifiers, which only Vitest resolves.
const load = (specifier: string) => import(/* @vite-ignore */ specifier)
const { createElement } = (await load(['react'].join(''))) as {
  createElement: (type: unknown, props: unknown) => unknown
}
const { renderToStaticMarkup } = (await load(['react-dom', 'server'].join('/'))) as {
  renderToStaticMarkup: (element: unknown) => string
}
const { FreeSpaceCard } = (await load(
  ['../../src/renderer/src/dashboard', 'FreeSpaceCard'].join('/'),
)) as { FreeSpaceCard: unknown }

const GB = 1e9
const base: DiskUsage = {
  at: '2025-03-10T12:00:00Z',
  imagesBytes: 10 * GB,
  imageCount: 3,
  containersBytes: 0,
  containerCount: 0,
  volumesBytes: 0,
  volumeCount: 0,
  unusedVolumeCount: 0,
  buildCacheBytes: 0,
  freeBytes: 40 * GB,
  totalBytes: 100 * GB,
  freeSource: 'host-statfs',
  engineLocation: 'local',
  hostDisk: null,
  vmDisk: null,
}

function render(usage: DiskUsage, host = 'unix:///var/run/docker.sock'): string {
  const markup = renderToStaticMarkup(
    createElement(FreeSpaceCard, {
      usage: { status: 'ready', value: usage, refreshing: false },
      settings: { status: 'ready', value: DEFAULT_SETTINGS, refreshing: false },
      host,
    }),
  )
  // Text only, as people read it.
  return markup
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
}

describe('the free-space card', () => {
  it('a local engine: the badge and "on this machine"', () => {
    const text = render(base)
    expect(text).toContain('Where the engine runs: Local')
    expect(text).toContain('40.0 GB free of 100 GB (40%) · on this machine')
    expect(text).not.toContain('VM disk file')
  })

  it('a local engine whose free space is unknown is never called remote', () => {
    const text = render({ ...base, freeBytes: null, totalBytes: null, freeSource: null })
    expect(text).toContain('Free space could not be measured.')
    expect(text).not.toMatch(/remote/i)
  })

  it('a remote engine measured inside it', () => {
    const text = render({ ...base, engineLocation: 'remote', freeSource: 'probe' }, 'ssh://me@box')
    expect(text).toContain('Where the engine runs: Remote (ssh)')
    expect(text).toContain('· measured inside the engine')
  })

  it("an engine in a VM: this machine's disk, the VM's disk file and why it does not shrink", () => {
    const text = render({
      ...base,
      engineLocation: 'vm',
      freeSource: 'probe',
      hostDisk: { freeBytes: 12 * GB, totalBytes: 500 * GB, path: '/Users/me' },
      vmDisk: {
        product: 'Colima',
        path: '/Users/me/.colima/_lima/_disks/default/datadisk',
        allocatedBytes: 31.4 * GB,
        explanation: 'Colima trims when it starts: `colima restart`.',
      },
    })
    expect(text).toContain('Where the engine runs: In a VM (Colima)')
    expect(text).toContain('· measured inside the engine')
    expect(text).toContain('This machine’s disk 12.0 GB free of 500 GB (2%) /Users/me')
    expect(text).toContain('VM disk file Colima’s disk file takes 31.4 GB on this machine.')
    expect(text).toContain('Colima trims when it starts: colima restart .')
  })

  it("while the engine's answer loads: the log's last sample, marked as such with its age", () => {
    const markup = renderToStaticMarkup(
      createElement(FreeSpaceCard, {
        usage: { status: 'loading' },
        settings: { status: 'ready', value: DEFAULT_SETTINGS, refreshing: false },
        host: 'unix:///var/run/docker.sock',
        cached: {
          host: 'unix:///var/run/docker.sock',
          at: new Date(Date.now() - 20 * 60_000).toISOString(),
          imagesBytes: 10 * GB,
          containersBytes: 0,
          volumesBytes: 0,
          buildCacheBytes: 0,
          freeBytes: 40 * GB,
          totalBytes: 100 * GB,
        },
      }),
    )
    expect(markup).toContain('data-source="cached"')
    expect(markup.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')).toContain(
      '40.0 GB free of 100 GB (40%) · Last sample, 20 minutes ago',
    )
  })
})
