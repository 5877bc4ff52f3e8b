/**
 * What a selection does to containers, volumes and build cache records. Each decision is one of
 * the plan's actions with its reason and blockers; the plan (plan.ts) turns them into requests
 * and counts the bytes. The safety rules live here:
 *
 * - a running container goes only when named with --force (stopped first, said first);
 * - a volume any container mounts, running or stopped, stays unless that container goes too;
 * - named volumes are never chosen by a policy, only by name;
 * - build cache records in use stay; so does a record whose child record stays, and one whose
 *   layer an image that stays still holds (removing it would free nothing);
 * - protection (name globs and labels) applies to every kind.
 */
import type { Blocker, Selection } from '../../shared/cleanup'
import { parseDuration } from '../../shared/cleanup'
import { DrydockError } from '../../shared/errors'
import type { ContainerRecord } from '../engine/inventory'
import type { BuildCacheRecord, VolumeRecord } from '../engine/kinds'
import { isRunning } from './graph'
import { globToRegExp } from './references'

export type KindDecision =
  | { action: 'delete'; reason: string; stop?: boolean }
  | { action: 'blocked' | 'keep'; reason: string; blockers: Blocker[] }

/** Protection of containers and volumes: a glob on the name, or a label. */
export function nameProtection(
  selection: Pick<Selection, 'protect' | 'protectLabels'>,
): (thing: { name: string; labels?: Record<string, string> }) => Blocker | null {
  const globs = selection.protect.map((glob) => ({ glob, pattern: globToRegExp(glob) }))
  return (thing) => {
    for (const { glob, pattern } of globs) {
      if (pattern.test(thing.name)) {
        return { kind: 'protected', ref: `${thing.name} matches --protect ${glob}` }
      }
    }
    for (const rule of selection.protectLabels) {
      const eq = rule.indexOf('=')
      const key = eq < 0 ? rule : rule.slice(0, eq)
      const actual = thing.labels?.[key]
      if (actual !== undefined && (eq < 0 || actual === rule.slice(eq + 1))) {
        return { kind: 'protected', ref: `label ${key}=${actual} matches --protect-label ${rule}` }
      }
    }
    return null
  }
}

function cutoffOf(duration: string | null, now: Date): number | null {
  const seconds = duration ? parseDuration(duration) : null
  return seconds === null ? null : now.getTime() - seconds * 1000
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)

/**
 * Containers: `--stopped-containers` (every container not running, as `docker container prune`)
 * and `--container REF` (a running one only with --force). `exitedAt` (unix ms) serves
 * --older-than / --unused-for: time since the container stopped.
 */
export function decideContainers(
  containers: ContainerRecord[],
  selection: Selection,
  now: Date,
  exitedAt: (id: string) => number | null,
): Map<string, KindDecision> {
  const decisions = new Map<string, KindDecision>()
  const protect = nameProtection(selection)
  const cutoff = cutoffOf(selection.olderThan ?? selection.unusedFor, now)
  const named = new Set<string>()
  for (const ref of selection.containers) {
    const found = findContainer(containers, ref)
    if (!found) throw new DrydockError('invalid-request', `No such container: ${ref}`)
    named.add(found.id)
  }
  for (const container of containers) {
    const byName = named.has(container.id)
    if (!byName && !selection.stoppedContainers) continue
    const protectedBy = protect(container)
    if (protectedBy) {
      decisions.set(container.id, {
        action: 'keep',
        reason: `protected: ${protectedBy.ref}`,
        blockers: [protectedBy],
      })
      continue
    }
    const running = isRunning(container)
    if (running && !byName) continue // a policy never touches a running container
    if (running && !selection.force) {
      decisions.set(container.id, {
        action: 'blocked',
        reason: `${container.name} is ${container.state}; --force stops it first, then removes it`,
        blockers: [{ kind: 'running-container', ref: container.name }],
      })
      continue
    }
    if (!byName && cutoff !== null) {
      const exited = exitedAt(container.id) ?? container.created * 1000
      if (exited > cutoff) {
        const ref = `stopped ${day(exited)}, within --older-than ${selection.olderThan ?? selection.unusedFor}`
        decisions.set(container.id, {
          action: 'keep',
          reason: `too recent: ${ref}`,
          blockers: [{ kind: 'filtered', ref }],
        })
        continue
      }
    }
    decisions.set(container.id, {
      action: 'delete',
      stop: running,
      reason: running
        ? `running: stopped (its own stop timeout), then removed, as --force asks`
        : byName
          ? `docker rm ${container.name}`
          : `not running (${container.state})`,
    })
  }
  return decisions
}

export function findContainer(
  containers: ContainerRecord[],
  ref: string,
): ContainerRecord | undefined {
  const name = ref.replace(/^\//, '')
  return (
    containers.find((c) => c.name === name || c.id === ref) ??
    (/^[0-9a-f]{4,64}$/.test(ref)
      ? (() => {
          const matches = containers.filter((c) => c.id.startsWith(ref))
          return matches.length === 1 ? matches[0] : undefined
        })()
      : undefined)
  )
}

/**
 * Volumes: `--unused-volumes` (anonymous ones no container mounts) and `--volume NAME`. A
 * container that mounts a volume blocks it unless the plan removes that container (`going`).
 */
export function decideVolumes(
  volumes: VolumeRecord[],
  containers: ContainerRecord[],
  selection: Selection,
  going: ReadonlySet<string>,
): Map<string, KindDecision> {
  const decisions = new Map<string, KindDecision>()
  const protect = nameProtection(selection)
  const named = new Set(selection.volumes)
  for (const name of named) {
    if (!volumes.some((volume) => volume.name === name)) {
      throw new DrydockError('invalid-request', `No such volume: ${name}`)
    }
  }
  for (const volume of volumes) {
    const byName = named.has(volume.name)
    if (!byName && !selection.unusedVolumes) continue
    const protectedBy = protect(volume)
    if (protectedBy) {
      decisions.set(volume.name, {
        action: 'keep',
        reason: `protected: ${protectedBy.ref}`,
        blockers: [protectedBy],
      })
      continue
    }
    if (!byName && !volume.anonymous) {
      const ref = `named volume: only --volume ${volume.name} removes it`
      decisions.set(volume.name, {
        action: 'keep',
        reason: `${ref} (named volumes hold people's data)`,
        blockers: [{ kind: 'filtered', ref }],
      })
      continue
    }
    const users = containers.filter(
      (c) => c.volumes.some((mount) => mount.name === volume.name) && !going.has(c.id),
    )
    if (users.length > 0) {
      decisions.set(volume.name, {
        action: 'blocked',
        reason: `mounted by ${users.map((c) => `${c.name} (${c.state})`).join(', ')}${byName ? '; --with-containers removes them first' : ''}`,
        blockers: users.map((c) => ({
          kind: isRunning(c) ? 'running-container' : 'stopped-container',
          ref: c.name,
        })),
      })
      continue
    }
    decisions.set(volume.name, {
      action: 'delete',
      reason: byName ? `docker volume rm ${volume.name}` : 'anonymous volume no container mounts',
    })
  }
  return decisions
}

/**
 * Build cache: `--build-cache` (every record not in use, as `docker builder prune -a`), with
 * --keep-storage (the most recently used records up to SIZE stay) and --older-than /
 * --unused-for (by last use); and records by ID. A record stays while a child record stays.
 */
export function decideBuildCache(
  records: BuildCacheRecord[],
  selection: Selection,
  now: Date,
  /** An image or container that stays holds the record's layer. */
  heldByOthers: (id: string) => boolean = () => false,
): Map<string, KindDecision> {
  const decisions = new Map<string, KindDecision>()
  const byId = new Set(selection.cacheRecords)
  for (const id of byId) {
    if (!records.some((record) => record.id === id)) {
      throw new DrydockError('invalid-request', `No such build cache record: ${id}`)
    }
  }
  const cutoff = cutoffOf(selection.olderThan ?? selection.unusedFor, now)
  const lastUse = (record: BuildCacheRecord) => record.lastUsed ?? record.created
  // --keep-storage: the newest by last use stay, up to the size.
  const kept = new Set<string>()
  if (selection.keepStorage !== null) {
    let total = 0
    for (const record of [...records].sort((a, b) => lastUse(b) - lastUse(a))) {
      if (total + record.size > selection.keepStorage) break
      total += record.size
      kept.add(record.id)
    }
  }
  for (const record of records) {
    const wanted = byId.has(record.id) || selection.buildCache
    if (!wanted) continue
    if (record.inUse) {
      decisions.set(record.id, {
        action: 'blocked',
        reason: 'in use by a build now',
        blockers: [{ kind: 'in-use', ref: record.id }],
      })
    } else if (record.type === 'frontend' || record.type === 'internal') {
      // BuildKit prunes its own records only with `all`, which Drydock never sends (it would
      // also take records an image holds): they stay, and the plan says so.
      const ref = `BuildKit's own ${record.type} record: only docker builder prune -a removes it`
      decisions.set(record.id, {
        action: 'keep',
        reason: ref,
        blockers: [{ kind: 'filtered', ref }],
      })
    } else if (heldByOthers(record.id)) {
      const ref = 'an image that stays holds its layer'
      decisions.set(record.id, {
        action: 'keep',
        reason: `${ref}: removing the record frees nothing now (the engine calls it shared)`,
        blockers: [{ kind: 'filtered', ref }],
      })
    } else if (!byId.has(record.id) && kept.has(record.id)) {
      const ref = `among the most recently used records kept by --keep-storage`
      decisions.set(record.id, {
        action: 'keep',
        reason: ref,
        blockers: [{ kind: 'filtered', ref }],
      })
    } else if (!byId.has(record.id) && cutoff !== null && lastUse(record) > cutoff) {
      const ref = `last used ${day(lastUse(record))}, within --older-than ${selection.olderThan ?? selection.unusedFor}`
      decisions.set(record.id, {
        action: 'keep',
        reason: `too recent: ${ref}`,
        blockers: [{ kind: 'filtered', ref }],
      })
    } else {
      decisions.set(record.id, {
        action: 'delete',
        reason: record.shared
          ? 'build cache not in use; it holds layers of images this plan removes'
          : 'build cache not in use',
      })
    }
  }
  // A parent cannot go while a child record stays: walk until nothing changes.
  const children = new Map<string, string[]>()
  for (const record of records) {
    for (const parent of record.parents)
      children.set(parent, [...(children.get(parent) ?? []), record.id])
  }
  for (let changed = true; changed;) {
    changed = false
    for (const [id, decision] of decisions) {
      if (decision.action !== 'delete') continue
      const staying = (children.get(id) ?? []).filter(
        (child) => decisions.get(child)?.action !== 'delete',
      )
      if (staying.length === 0) continue
      decisions.set(id, {
        action: 'blocked',
        reason: 'a build cache record built on it stays',
        blockers: staying.map((child) => ({ kind: 'child-image' as const, ref: child })),
      })
      changed = true
    }
  }
  return decisions
}
