/** The Cleanup page's address: every entry point's request read back, and the selection it plans. */
import { describe, expect, it } from 'vitest'
import { SelectionSchema } from '../../src/shared/cleanup'
import { automaticSelection, DEFAULT_SETTINGS } from '../../src/shared/settings'
import {
  automaticPreviewHash,
  cleanupHash,
  NO_TARGETS,
  parseCleanupRequest,
  selectionFor,
  withHint,
  type ValidRequest,
} from '../../src/renderer/src/cleanup/request'
import { describeTargets } from '../../src/renderer/src/cleanup/describe-request'

const ID = `sha256:${'a'.repeat(64)}`

function valid(hash: string): ValidRequest {
  const request = parseCleanupRequest(hash)
  if (request.kind === 'invalid') throw new Error(`${hash}: ${request.reason}`)
  return request
}

describe('parseCleanupRequest', () => {
  it('reads the policies as before', () => {
    expect(parseCleanupRequest('#/cleanup')).toEqual({
      kind: 'default-policy',
      targets: NO_TARGETS,
    })
    expect(parseCleanupRequest('#/cleanup?policy=default')).toEqual({
      kind: 'default-policy',
      targets: NO_TARGETS,
    })
    expect(parseCleanupRequest('#/cleanup?policy=unused-older-than&days=30')).toEqual({
      kind: 'policy',
      policy: { kind: 'unused-older-than', days: 30 },
      targets: NO_TARGETS,
    })
    expect(parseCleanupRequest('#/cleanup?policy=keep-last&count=0')).toMatchObject({
      kind: 'invalid',
    })
    expect(parseCleanupRequest('#/cleanup?policy=everything')).toMatchObject({ kind: 'invalid' })
  })

  it('reads what each page chose', () => {
    expect(valid(`#/cleanup?images=${ID}&force=1`)).toEqual({
      kind: 'selection',
      targets: { ...NO_TARGETS, images: [ID], force: true },
    })
    expect(valid('#/cleanup?containers=web-1,job-1&force=1').targets).toMatchObject({
      containers: ['web-1', 'job-1'],
      force: true,
    })
    expect(valid('#/cleanup?volumes=pgdata&withContainers=1').targets).toMatchObject({
      volumes: ['pgdata'],
      withContainers: true,
    })
    expect(valid('#/cleanup?cacheRecords=abc,def,abc').targets.cacheRecords).toEqual(['abc', 'def'])
  })

  it("reads each kind's own policy", () => {
    expect(valid('#/cleanup?stoppedContainers=1').targets.stoppedContainers).toBe(true)
    expect(valid('#/cleanup?unusedVolumes=1').targets.unusedVolumes).toBe(true)
    expect(valid('#/cleanup?buildCache=1&keepStorage=5000000000').targets).toMatchObject({
      buildCache: true,
      keepStorage: 5_000_000_000,
    })
    expect(valid('#/cleanup?system=1').kind).toBe('selection')
  })

  it('keeps a policy and what a hint added to it', () => {
    expect(valid('#/cleanup?policy=dangling&cacheRecords=r1')).toEqual({
      kind: 'policy',
      policy: { kind: 'dangling' },
      targets: { ...NO_TARGETS, cacheRecords: ['r1'] },
    })
    expect(valid('#/cleanup?policy=default&cacheRecords=r1').kind).toBe('default-policy')
  })

  it('refuses what the planner would refuse, in the window’s words', () => {
    expect(parseCleanupRequest('#/cleanup?images=')).toEqual({
      kind: 'invalid',
      reason: 'The link names no images.',
    })
    expect(parseCleanupRequest('#/cleanup?volumes=a&force=1')).toMatchObject({ kind: 'invalid' })
    expect(parseCleanupRequest('#/cleanup?containers=a&withContainers=1')).toMatchObject({
      kind: 'invalid',
    })
    expect(parseCleanupRequest('#/cleanup?stoppedContainers=1&keepStorage=5')).toMatchObject({
      kind: 'invalid',
    })
    expect(parseCleanupRequest('#/cleanup?buildCache=1&keepStorage=lots')).toMatchObject({
      kind: 'invalid',
    })
  })
})

describe('cleanupHash', () => {
  it('writes the Images address as it always has', () => {
    expect(
      cleanupHash({ kind: 'selection', targets: { images: [ID], withContainers: true } }),
    ).toBe(`#/cleanup?images=${ID}&withContainers=1`)
  })

  it('round-trips every request', () => {
    const hashes = [
      '#/cleanup?policy=default',
      '#/cleanup?policy=keep-last&count=3',
      '#/cleanup?containers=a,b&force=1',
      '#/cleanup?volumes=pgdata&withContainers=1',
      '#/cleanup?cacheRecords=r1,r2',
      '#/cleanup?buildCache=1&keepStorage=1000',
      '#/cleanup?stoppedContainers=1&unusedVolumes=1',
      '#/cleanup?policy=unused&cacheRecords=r1',
    ]
    for (const hash of hashes) {
      const request = valid(hash)
      expect(cleanupHash(request), hash).toBe(hash)
      expect(valid(cleanupHash(request))).toEqual(request)
    }
  })

  it('adds a hint’s records to whatever was asked, once', () => {
    const hint = { add: { cacheRecords: ['r2', 'r3'] } }
    expect(withHint(valid('#/cleanup?policy=default'), hint)).toBe(
      '#/cleanup?policy=default&cacheRecords=r2,r3',
    )
    expect(withHint(valid(`#/cleanup?images=${ID}&cacheRecords=r2`), hint)).toBe(
      `#/cleanup?images=${ID}&cacheRecords=r2,r3`,
    )
  })
})

describe('selectionFor', () => {
  const settings = {
    ...DEFAULT_SETTINGS,
    protectedPatterns: ['postgres:*'],
    defaultPolicyKinds: { stoppedContainers: true, buildCache: true, unusedVolumes: false },
  }

  it('leaves the default policy and protection to the service', () => {
    const selection = selectionFor(valid('#/cleanup?policy=default&cacheRecords=r1'), settings)
    expect(selection).toEqual({ policy: 'default', cacheRecords: ['r1'] })
  })

  it("plans a page's policy for images only, without Settings' other kinds or protection", () => {
    expect(selectionFor(valid('#/cleanup?policy=dangling'), settings)).toEqual({ dangling: true })
    expect(selectionFor(valid('#/cleanup?policy=unused-older-than&days=30'), settings)).toEqual({
      unused: true,
      unusedFor: '30d',
    })
  })

  it('asks for exactly what a page chose, and the schema accepts it', () => {
    const cases: [string, object][] = [
      ['#/cleanup?containers=a,b&force=1', { containers: ['a', 'b'], force: true }],
      ['#/cleanup?volumes=v&withContainers=1', { volumes: ['v'], withContainers: true }],
      ['#/cleanup?cacheRecords=r1', { cacheRecords: ['r1'] }],
      ['#/cleanup?buildCache=1&keepStorage=10', { buildCache: true, keepStorage: 10 }],
      ['#/cleanup?stoppedContainers=1', { stoppedContainers: true }],
      ['#/cleanup?unusedVolumes=1', { unusedVolumes: true }],
    ]
    for (const [hash, expected] of cases) {
      const selection = selectionFor(valid(hash), settings)
      expect(selection, hash).toEqual(expected)
      expect(SelectionSchema.safeParse(selection).success, hash).toBe(true)
    }
  })
})

describe('describeTargets', () => {
  it('says what was chosen, and which pages to go back to', () => {
    const { lines, kinds } = describeTargets({
      ...NO_TARGETS,
      containers: ['a', 'b'],
      force: true,
      cacheRecords: ['r1'],
    })
    expect(lines).toEqual([
      '2 containers chosen on the Containers page, to be removed, running ones stopped first.',
      '1 build cache record chosen by ID.',
    ])
    expect(kinds).toEqual(['container', 'build-cache'])
  })
})

describe('a size target in the address (automatic cleanup’s preview)', () => {
  it('reads and writes targetSize, and plans it as the selection’s targetSize', () => {
    const request = valid('#/cleanup?targetSize=20000000000')
    expect(request).toEqual({
      kind: 'selection',
      targets: { ...NO_TARGETS, targetSize: 20_000_000_000 },
    })
    expect(cleanupHash({ kind: 'selection', targets: { targetSize: 20_000_000_000 } })).toBe(
      '#/cleanup?targetSize=20000000000',
    )
    const selection = selectionFor(request, DEFAULT_SETTINGS)
    expect(selection).toEqual({ targetSize: 20_000_000_000 })
    expect(SelectionSchema.parse(selection).targetSize).toBe(20_000_000_000)
    expect(describeTargets(request.targets)).toEqual({
      lines: [
        'Least recently used images and build cache nothing holds, oldest use first, until images and build cache take at most 20.0 GB.',
      ],
      kinds: ['image', 'build-cache'],
    })
  })

  it('refuses a target that is not a number of bytes', () => {
    expect(parseCleanupRequest('#/cleanup?targetSize=20GB')).toEqual({
      kind: 'invalid',
      reason: '“targetSize” must be a number of bytes.',
    })
    expect(parseCleanupRequest('#/cleanup?targetSize=-1')).toMatchObject({ kind: 'invalid' })
  })

  it('previews each automatic policy at its own address', () => {
    expect(automaticPreviewHash({ kind: 'default' })).toBe('#/cleanup?policy=default')
    expect(automaticPreviewHash({ kind: 'system' })).toBe('#/cleanup?system=1')
    expect(automaticPreviewHash({ kind: 'target-size', bytes: 5_000_000_000 })).toBe(
      '#/cleanup?targetSize=5000000000',
    )
    for (const policy of [
      { kind: 'default' },
      { kind: 'system' },
      { kind: 'target-size', bytes: 5_000_000_000 },
    ] as const) {
      // What the preview plans is what the automatic run plans.
      const planned = selectionFor(valid(automaticPreviewHash(policy)), DEFAULT_SETTINGS)
      expect(SelectionSchema.parse(planned)).toEqual(
        SelectionSchema.parse(automaticSelection(policy)),
      )
    }
  })
})
