/**
 * What the cleanup page is asked to preview, read from (and written to) its hash:
 *
 *   #/cleanup?policy=default                       the Settings policy ("Clean up safely")
 *   #/cleanup?policy=dangling | unused
 *   #/cleanup?policy=unused-older-than&days=30
 *   #/cleanup?policy=keep-last&count=3
 *   #/cleanup?images=sha256:…,sha256:…&force=1&withContainers=1     from the Images page
 *   #/cleanup?containers=<id>,<id>&force=1                          from the Containers page
 *   #/cleanup?volumes=<name>,<name>&withContainers=1                from the Volumes page
 *   #/cleanup?cacheRecords=<id>,<id>                                from the Build cache page
 *   #/cleanup?stoppedContainers=1 | unusedVolumes=1 | buildCache=1  a kind's own policy
 *   #/cleanup?buildCache=1&keepStorage=5000000000                   keep the newest 5 GB
 *   #/cleanup?system=1                                              as docker system prune
 *   #/cleanup?targetSize=20000000000      least recently used images and build cache go until
 *                                         both take at most 20 GB (automatic cleanup's target)
 *
 * Targets combine, with each other and with a policy: a plan's hint adds its build cache records
 * to whatever the address asked for (`…&cacheRecords=…`). The hash is the page's state, so a
 * notification, the tray and every page can open it, and going back in the window's history
 * returns to the previous preview.
 */
import type { PlanHint, SelectionInput } from '../../../shared/cleanup'
import { defaultPolicySelection } from '../../../shared/default-policy'
import type { AutomaticPolicy, DefaultPolicy, Settings } from '../../../shared/settings'

/** The policies the page offers: the Settings ones plus "every unused image". */
export type PagePolicy = DefaultPolicy | { kind: 'unused' }

/** What the address names besides a policy: things by name, and each kind's own policy. */
export interface Targets {
  images: string[]
  containers: string[]
  volumes: string[]
  cacheRecords: string[]
  stoppedContainers: boolean
  unusedVolumes: boolean
  buildCache: boolean
  /** With buildCache (or system): keep the most recently used records up to this many bytes. */
  keepStorage: number | null
  system: boolean
  /** Least recently used images and build cache nothing holds go until the two take at most
   * this many bytes. */
  targetSize: number | null
  /** With images (docker rmi -f) or containers (stop a running one first). */
  force: boolean
  /** With images or volumes: remove the containers that use them first. */
  withContainers: boolean
}

export type CleanupRequest =
  | { kind: 'default-policy'; targets: Targets }
  | { kind: 'policy'; policy: PagePolicy; targets: Targets }
  | { kind: 'selection'; targets: Targets }
  | { kind: 'invalid'; reason: string }

export type ValidRequest = Exclude<CleanupRequest, { kind: 'invalid' }>

export const NO_TARGETS: Targets = {
  images: [],
  containers: [],
  volumes: [],
  cacheRecords: [],
  stoppedContainers: false,
  unusedVolumes: false,
  buildCache: false,
  keepStorage: null,
  system: false,
  targetSize: null,
  force: false,
  withContainers: false,
}

const MAX_DAYS = 3650
const MAX_COUNT = 1000

const LISTS = ['images', 'containers', 'volumes', 'cacheRecords'] as const
const FLAGS = ['stoppedContainers', 'unusedVolumes', 'buildCache', 'system'] as const
const MODIFIERS = ['force', 'withContainers'] as const

function positiveInt(text: string | null, max: number): number | null {
  if (text === null || !/^\d+$/.test(text)) return null
  const value = Number(text)
  return value >= 1 && value <= max ? value : null
}

function flag(text: string | null): boolean {
  return text === '1' || text === 'true'
}

function list(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ''),
    ),
  ]
}

const LIST_WORDS: Record<(typeof LISTS)[number], string> = {
  images: 'images',
  containers: 'containers',
  volumes: 'volumes',
  cacheRecords: 'build cache records',
}

/** The targets in the query, or why they cannot be planned. */
function readTargets(params: URLSearchParams): Targets | { reason: string } {
  const targets: Targets = { ...NO_TARGETS }
  for (const name of LISTS) {
    const text = params.get(name)
    if (text === null) continue
    const entries = list(text)
    if (entries.length === 0) return { reason: `The link names no ${LIST_WORDS[name]}.` }
    targets[name] = entries
  }
  for (const name of [...FLAGS, ...MODIFIERS]) targets[name] = flag(params.get(name))
  const keep = params.get('keepStorage')
  if (keep !== null) {
    if (!/^\d+$/.test(keep) || !Number.isSafeInteger(Number(keep))) {
      return { reason: '“keepStorage” must be a number of bytes.' }
    }
    targets.keepStorage = Number(keep)
  }
  const target = params.get('targetSize')
  if (target !== null) {
    if (!/^\d+$/.test(target) || !Number.isSafeInteger(Number(target))) {
      return { reason: '“targetSize” must be a number of bytes.' }
    }
    targets.targetSize = Number(target)
  }
  if (targets.force && targets.images.length === 0 && targets.containers.length === 0) {
    return { reason: '“force” applies to images or containers chosen by name.' }
  }
  if (targets.withContainers && targets.images.length === 0 && targets.volumes.length === 0) {
    return { reason: '“withContainers” applies to images or volumes chosen by name.' }
  }
  if (targets.keepStorage !== null && !targets.buildCache && !targets.system) {
    return { reason: '“keepStorage” applies to the build cache policy only.' }
  }
  return targets
}

export function hasTargets(targets: Targets): boolean {
  return (
    LISTS.some((name) => targets[name].length > 0) ||
    FLAGS.some((name) => targets[name] === true) ||
    targets.targetSize !== null
  )
}

function readPolicy(params: URLSearchParams): PagePolicy | 'default' | { reason: string } {
  const policy = params.get('policy')
  switch (policy) {
    case null:
    case 'default':
      return 'default'
    case 'dangling':
    case 'unused':
      return { kind: policy }
    case 'unused-older-than': {
      const days = positiveInt(params.get('days'), MAX_DAYS)
      return days === null
        ? { reason: `“days” must be a whole number from 1 to ${MAX_DAYS}.` }
        : { kind: policy, days }
    }
    case 'keep-last': {
      const count = positiveInt(params.get('count'), MAX_COUNT)
      return count === null
        ? { reason: `“count” must be a whole number from 1 to ${MAX_COUNT}.` }
        : { kind: policy, count }
    }
    default:
      return { reason: `There is no cleanup policy called “${policy}”.` }
  }
}

export function parseCleanupRequest(hash: string): CleanupRequest {
  const query = hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : ''
  const params = new URLSearchParams(query)
  const targets = readTargets(params)
  if ('reason' in targets) return { kind: 'invalid', reason: targets.reason }
  const policy = readPolicy(params)
  if (typeof policy === 'object' && 'reason' in policy) {
    return { kind: 'invalid', reason: policy.reason }
  }
  // No policy named and something else chosen: that alone. No policy and nothing chosen: the
  // default policy (a bare `#/cleanup`).
  if (params.get('policy') === null && hasTargets(targets)) return { kind: 'selection', targets }
  if (policy === 'default') return { kind: 'default-policy', targets }
  return { kind: 'policy', policy, targets }
}

type HashRequest =
  | { kind: 'default-policy'; targets?: Partial<Targets> }
  | { kind: 'policy'; policy: PagePolicy; targets?: Partial<Targets> }
  | { kind: 'selection'; targets: Partial<Targets> }

export function cleanupHash(request: HashRequest): string {
  const params = new URLSearchParams()
  const targets = { ...NO_TARGETS, ...request.targets }
  switch (request.kind) {
    case 'default-policy':
      params.set('policy', 'default')
      break
    case 'policy':
      params.set('policy', request.policy.kind)
      if (request.policy.kind === 'unused-older-than')
        params.set('days', String(request.policy.days))
      if (request.policy.kind === 'keep-last') params.set('count', String(request.policy.count))
      break
    case 'selection':
      break
  }
  for (const name of LISTS) if (targets[name].length > 0) params.set(name, targets[name].join(','))
  for (const name of FLAGS) if (targets[name]) params.set(name, '1')
  if (targets.keepStorage !== null) params.set('keepStorage', String(targets.keepStorage))
  if (targets.targetSize !== null) params.set('targetSize', String(targets.targetSize))
  for (const name of MODIFIERS) if (targets[name]) params.set(name, '1')
  // Image IDs are `sha256:<hex>`: keep the colons and commas readable in the address.
  return `#/cleanup?${params.toString().replace(/%3A/g, ':').replace(/%2C/g, ',')}`
}

/** The same request with a plan hint's additions: the address that plans them too. */
export function withHint(request: ValidRequest, hint: Pick<PlanHint, 'add'>): string {
  const targets: Targets = {
    ...request.targets,
    cacheRecords: [...new Set([...request.targets.cacheRecords, ...hint.add.cacheRecords])],
  }
  return cleanupHash({ ...request, targets })
}

/** The targets as selection fields (only those set, so the selection reads as it was asked). */
export function targetSelection(targets: Targets): SelectionInput {
  const selection: SelectionInput = {}
  for (const name of LISTS) if (targets[name].length > 0) selection[name] = targets[name]
  for (const name of [...FLAGS, ...MODIFIERS]) if (targets[name]) selection[name] = true
  if (targets.keepStorage !== null) selection.keepStorage = targets.keepStorage
  if (targets.targetSize !== null) selection.targetSize = targets.targetSize
  return selection
}

/** The preview of what an automatic cleanup with this policy would remove now. */
export function automaticPreviewHash(policy: AutomaticPolicy): string {
  switch (policy.kind) {
    case 'default':
      return cleanupHash({ kind: 'default-policy' })
    case 'target-size':
      return cleanupHash({ kind: 'selection', targets: { targetSize: policy.bytes } })
    case 'system':
      return cleanupHash({ kind: 'selection', targets: { system: true } })
  }
}

/**
 * The planner's selection for a page's policy: the images it chooses, nothing else (Settings'
 * other kinds belong to "Clean up safely" only). The service adds Settings' protection to every
 * plan, so the window never does.
 */
export function policySelection(policy: PagePolicy, settings: Settings): SelectionInput {
  if (policy.kind === 'unused') return { unused: true }
  const {
    protect: _protect,
    protectLabels: _labels,
    ...selection
  } = defaultPolicySelection({
    ...settings,
    defaultPolicy: policy,
    defaultPolicyKinds: { stoppedContainers: false, buildCache: false, unusedVolumes: false },
  })
  return selection
}

/** What the planner is asked for this request. */
export function selectionFor(request: ValidRequest, settings: Settings): SelectionInput {
  const targets = targetSelection(request.targets)
  switch (request.kind) {
    case 'default-policy':
      // Resolved by the service, with Settings' protection: the preview is what one click does.
      return { policy: 'default', ...targets }
    case 'policy':
      return { ...policySelection(request.policy, settings), ...targets }
    case 'selection':
      return targets
  }
}

export function describePagePolicy(policy: PagePolicy): string {
  switch (policy.kind) {
    case 'dangling':
      return 'Dangling images: untagged images nothing needs'
    case 'unused':
      return 'Every image no container uses'
    case 'unused-older-than':
      return `Unused images not used for ${policy.days} day${policy.days === 1 ? '' : 's'}`
    case 'keep-last':
      return `Keep the ${policy.count} newest tag${policy.count === 1 ? '' : 's'} of each repository`
  }
}
