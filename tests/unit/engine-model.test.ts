/**
 * The engine model's rules, case by case from docs/engine-rules.md. The graphdriver
 * cases are also proven against a real engine in tests/engine/cleanup.test.ts; the containerd
 * store cannot run here, so its differences are checked against the documented behaviour only.
 */
import { describe, expect, it } from 'vitest'
import { EngineModel, type ImageStoreKind } from '../../src/core/planner/engine-model'

const id = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`

function world(store: ImageStoreKind = 'graphdriver') {
  return EngineModel.from(
    store,
    [
      { id: id(1), parentId: null, tags: ['parent:1'], digests: [] },
      { id: id(2), parentId: id(1), tags: [], digests: [] },
      { id: id(3), parentId: id(2), tags: ['child:1'], digests: [] },
      { id: id(4), parentId: null, tags: ['used:1'], digests: ['used@sha256:' + 'a'.repeat(64)] },
      { id: id(5), parentId: null, tags: ['a:1', 'b:1'], digests: [] },
      { id: id(6), parentId: null, tags: ['run:1'], digests: [] },
    ],
    [
      { id: 'c-stopped', imageId: id(4), running: false },
      { id: 'c-running', imageId: id(6), running: true },
    ],
  )
}

describe('engine model (graphdriver)', () => {
  it('deleting a child walks up through untagged parents and stops at a tagged one', () => {
    const model = world()
    const result = model.delete('child:1', { force: false, prune: true })
    expect(result).toEqual({
      ok: true,
      outcome: { untagged: ['child:1'], deleted: [id(3), id(2)] },
    })
    expect(model.has(id(1))).toBe(true)
  })

  it('noprune deletes only the named image', () => {
    const model = world()
    model.delete('child:1', { force: false, prune: false })
    expect(model.has(id(2))).toBe(true)
  })

  it('the only tag of an image a container uses must be forced, even with a digest beside it', () => {
    const result = world().delete('used:1', { force: false, prune: true })
    expect(result).toMatchObject({ ok: false, conflict: { kind: 'reference-in-use', hard: false } })
  })

  it('forcing it removes the tag, the same repository’s digest, and the image', () => {
    const model = world()
    const result = model.delete('used:1', { force: true, prune: true })
    expect(result).toEqual({
      ok: true,
      outcome: { untagged: ['used:1', `used@sha256:${'a'.repeat(64)}`], deleted: [id(4)] },
    })
  })

  it('by ID with two repositories: must be forced', () => {
    expect(world().delete(id(5), { force: false, prune: true })).toMatchObject({
      ok: false,
      conflict: { kind: 'multiple-references' },
    })
  })

  it('a short ID prefix names the image', () => {
    expect(world().resolve('555555555555')).toBe(id(5))
  })

  it('a running container cannot be forced by ID; by tag, force only untags', () => {
    const model = world()
    expect(model.delete(id(6), { force: true, prune: true })).toMatchObject({
      ok: false,
      conflict: { kind: 'running-container', hard: true },
    })
    expect(model.delete('run:1', { force: true, prune: true })).toEqual({
      ok: true,
      outcome: { untagged: ['run:1'], deleted: [] },
    })
    expect(model.has(id(6))).toBe(true)
  })

  it('a parent with a child: by ID cannot be forced; by tag, only untagged', () => {
    const model = world()
    expect(model.delete(id(1), { force: true, prune: true })).toMatchObject({
      ok: false,
      conflict: { kind: 'child-image' },
    })
    expect(model.delete('parent:1', { force: false, prune: true })).toEqual({
      ok: true,
      outcome: { untagged: ['parent:1'], deleted: [] },
    })
  })
})

describe('engine model (containerd image store, from the documented rules)', () => {
  it('has no dependent-child conflict', () => {
    const model = world('containerd')
    expect(model.delete(id(1), { force: false, prune: false })).toMatchObject({ ok: true })
  })

  it('a forced untag of an image a container uses keeps it, dangling', () => {
    const model = world('containerd')
    expect(model.delete('used:1', { force: true, prune: true })).toMatchObject({
      ok: true,
      outcome: { deleted: [] },
    })
    expect(model.has(id(4))).toBe(true)
    expect(model.refsOf(id(4))).toEqual([])
  })
})
