/** The Containers, Volumes and Build cache pages' rows, and the words every page uses for kinds. */
import { describe, expect, it } from 'vitest'
import type { PlanItem } from '../../src/shared/cleanup'
import type { BuildCacheView, ContainerView, VolumeView } from '../../src/shared/kinds'
import { isForcedItem, itemKey } from '../../src/renderer/src/cleanup/describe'
import { describeSelection } from '../../src/renderer/src/history/describe-run'
import {
  chipCounts,
  matchesProject,
  NO_PROJECT,
  projectsOf,
  sizeTotal,
  toCacheRow,
  toContainerRow,
  toVolumeRow,
  volumeLabel,
} from '../../src/renderer/src/kinds/model'
import { describeCounts, describePolicyKinds, nounFor } from '../../src/renderer/src/kinds/words'

const HEX = 'f'.repeat(64)

function container(overrides: Partial<ContainerView>): ContainerView {
  return {
    id: 'c'.repeat(64),
    name: 'web-1',
    image: 'nginx:1',
    imageId: `sha256:${'a'.repeat(64)}`,
    state: 'running',
    running: true,
    created: '2025-01-01T00:00:00.000Z',
    finishedAt: null,
    sizeRw: 1000,
    volumes: [{ name: 'pgdata', destination: '/var/lib/postgresql' }],
    labels: {},
    composeProject: 'shop',
    ...overrides,
  }
}

function volume(overrides: Partial<VolumeView>): VolumeView {
  return {
    name: 'pgdata',
    anonymous: false,
    driver: 'local',
    created: '2025-01-01T00:00:00.000Z',
    size: 5000,
    mountedBy: [],
    labels: {},
    composeProject: null,
    ...overrides,
  }
}

function record(overrides: Partial<BuildCacheView>): BuildCacheView {
  return {
    id: 'r1abcdefghijklmnopqrstuvw',
    parents: [],
    type: 'regular',
    description: '[2/3] COPY . /app',
    inUse: false,
    shared: false,
    size: 300,
    created: '2025-01-01T00:00:00.000Z',
    lastUsed: null,
    usageCount: 1,
    ...overrides,
  }
}

describe('rows', () => {
  it('flags containers as running or stopped, searchable by name, image, project and volume', () => {
    const running = toContainerRow(container({}))
    expect(running.chips).toEqual(['running'])
    expect(running.finishedAt).toBeNull()
    for (const text of ['web-1', 'nginx:1', 'shop', 'pgdata'])
      expect(running.search).toContain(text)
    const paused = toContainerRow(container({ state: 'paused', running: false }))
    expect(paused.chips).toEqual(['running'])
    const exited = toContainerRow(
      container({ state: 'exited', running: false, finishedAt: '2025-02-01T00:00:00.000Z' }),
    )
    expect(exited.chips).toEqual(['stopped'])
    expect(exited.finishedAt).toBe(Date.parse('2025-02-01T00:00:00.000Z'))
  })

  it('flags volumes as named or anonymous, in use or unused', () => {
    expect(toVolumeRow(volume({})).chips).toEqual(['named', 'unused'])
    const anonymous = volume({
      name: HEX,
      anonymous: true,
      mountedBy: [{ id: 'c1', name: 'job-1', state: 'exited' }],
    })
    expect(toVolumeRow(anonymous).chips).toEqual(['anonymous', 'in-use'])
    expect(volumeLabel(anonymous)).toBe(HEX.slice(0, 12))
    expect(volumeLabel(volume({}))).toBe('pgdata')
  })

  it('flags build cache records in use or shared, and names them by description', () => {
    expect(toCacheRow(record({})).chips).toEqual([])
    expect(toCacheRow(record({ inUse: true, shared: true })).chips).toEqual(['in-use', 'shared'])
    expect(toCacheRow(record({ description: '' })).name).toBe('regular')
  })

  it('groups by compose project, counts chips, and totals what is measured', () => {
    const rows = [
      toContainerRow(container({})),
      toContainerRow(container({ id: 'd'.repeat(64), composeProject: null, sizeRw: null })),
      toContainerRow(container({ id: 'e'.repeat(64), composeProject: 'api', state: 'exited' })),
    ]
    expect(projectsOf(rows)).toEqual(['api', 'shop'])
    expect(rows.filter((row) => matchesProject(row, 'shop'))).toHaveLength(1)
    expect(rows.filter((row) => matchesProject(row, NO_PROJECT))).toHaveLength(1)
    expect(rows.filter((row) => matchesProject(row, ''))).toHaveLength(3)
    expect(chipCounts(rows)).toMatchObject({ running: 3, stopped: 0 })
    expect(sizeTotal(rows)).toEqual({ bytes: 2000, unknown: 1 })
  })
})

describe('words', () => {
  it('counts a plan’s items by kind', () => {
    const items = [
      { kind: 'container' as const },
      { kind: 'container' as const },
      { kind: 'volume' as const },
      { kind: 'image' as const },
    ]
    expect(describeCounts(items)).toBe('1 image, 2 containers and 1 volume')
    expect(describeCounts([])).toBe('nothing')
    expect(nounFor(items, 4)).toBe('items')
    expect(nounFor([{ kind: 'build-cache' }], 2)).toBe('build cache records')
  })

  it('says what the default policy also removes', () => {
    expect(
      describePolicyKinds({ stoppedContainers: true, buildCache: true, unusedVolumes: false }),
    ).toBe('stopped containers and unused build cache')
    expect(
      describePolicyKinds({ stoppedContainers: false, buildCache: false, unusedVolumes: false }),
    ).toBe('')
  })

  it('puts the new selections of a run in words', () => {
    expect(
      describeSelection({
        containers: ['web-1'],
        force: true,
        volumes: [HEX],
        cacheRecords: ['r'],
      }),
    ).toBe(
      `Named containers web-1; named volumes ${HEX.slice(0, 12)}; 1 build cache record; forced`,
    )
    expect(
      describeSelection({ stoppedContainers: true, unusedVolumes: true, buildCache: true }),
    ).toBe('Stopped containers; unused anonymous volumes; unused build cache')
  })
})

describe('forced items', () => {
  const item = (kind: PlanItem['kind'], requests: PlanItem['requests']): PlanItem => ({
    kind,
    id: 'x',
    name: 'x',
    tags: [],
    digests: [],
    action: 'delete',
    untag: [],
    reason: '',
    blockers: [],
    affectedContainers: [],
    reclaimBytes: 0,
    heldBy: [],
    project: null,
    requests,
    after: [],
  })

  it('a stopped container removed for itself is a plain docker rm', () => {
    expect(
      isForcedItem(item('container', [{ kind: 'remove-container', id: 'x', stop: false }])),
    ).toBe(false)
    expect(
      isForcedItem(item('container', [{ kind: 'remove-container', id: 'x', stop: true }])),
    ).toBe(true)
  })

  it('removing containers for an image, or rmi -f, is forced', () => {
    expect(
      isForcedItem(
        item('image', [
          { kind: 'remove-container', id: 'c', stop: false },
          { kind: 'delete-image', name: 'x', force: false },
        ]),
      ),
    ).toBe(true)
    expect(isForcedItem(item('image', [{ kind: 'delete-image', name: 'x', force: true }]))).toBe(
      true,
    )
    expect(isForcedItem(item('volume', [{ kind: 'remove-volume', name: 'x' }]))).toBe(false)
  })

  it('keys items by kind and ID', () => {
    expect(itemKey({ kind: 'volume', id: 'data' })).toBe('volume:data')
  })
})
