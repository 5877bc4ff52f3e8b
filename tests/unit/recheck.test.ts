import { describe, expect, it } from 'vitest'
import { recheckItem } from '../../src/core/cleaner/executor'
import type { EngineSnapshot } from '../../src/core/cleaner/recheck'
import type { PlanItem } from '../../src/shared/cleanup'

const item = (overrides: Partial<PlanItem> = {}): PlanItem => ({
  kind: 'image',
  id: 'sha256:parent',
  name: 'app:1',
  heldBy: [],
  project: null,
  after: [],
  tags: ['app:1'],
  digests: [],
  action: 'delete',
  untag: ['app:1'],
  reason: 'unused',
  blockers: [],
  affectedContainers: [],
  reclaimBytes: 10,
  requests: [{ kind: 'delete-image', name: 'app:1', force: false }],
  ...overrides,
})

const snapshot = (overrides: Partial<EngineSnapshot> = {}): EngineSnapshot => ({
  refs: new Map([['app:1', 'sha256:parent']]),
  images: new Set(['sha256:parent', 'sha256:child']),
  children: new Map(),
  containers: new Map(),
  containerStates: new Map(),
  ...overrides,
})

describe('re-checking an item just before it runs', () => {
  it('lets an unchanged item through', () => {
    expect(recheckItem(item(), snapshot(), new Set(['sha256:parent']))).toBeNull()
  })

  it('skips when the tag now names another image', () => {
    const moved = snapshot({ refs: new Map([['app:1', 'sha256:other000000000000']]) })
    expect(recheckItem(item(), moved, new Set())).toMatch(/app:1 now names another image/)
  })

  it('skips when a container appeared since the plan', () => {
    const used = snapshot({
      containers: new Map([['sha256:parent', [{ id: 'c1', name: 'late' }]]]),
    })
    expect(recheckItem(item(), used, new Set())).toMatch(
      /container late was created from this image after the plan/,
    )
  })

  it('tells a child that failed to go from one built after the plan', () => {
    const withChild = snapshot({ children: new Map([['sha256:parent', ['sha256:child']]]) })
    expect(recheckItem(item(), withChild, new Set(), new Set(['sha256:child']))).toMatch(
      /its child image .* was not removed/,
    )
    expect(recheckItem(item(), withChild, new Set(), new Set())).toMatch(
      /was built on this image after the plan/,
    )
    expect(
      recheckItem(item(), withChild, new Set(['sha256:child']), new Set(['sha256:child'])),
    ).toBeNull()
  })

  it('skips an image that is already gone', () => {
    expect(recheckItem(item(), snapshot({ images: new Set() }), new Set())).toBe(
      'the image is already gone',
    )
  })
})
