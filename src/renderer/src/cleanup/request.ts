/**
 * What the cleanup page is asked to preview, read from (and written to) its hash:
 *
 *   #/cleanup?policy=default                       the Settings policy ("Clean up safely")
 *   #/cleanup?policy=dangling | unused
 *   #/cleanup?policy=unused-older-than&days=30
 *   #/cleanup?policy=keep-last&count=3
 *   #/cleanup?images=sha256:…,sha256:…&force=1&withContainers=1     from the Images page
 *
 * The hash is the page's state, so a notification, the tray and the Images page can all open it,
 * and going back in the window's history returns to the previous preview.
 */
import type { SelectionInput } from '../../../shared/cleanup'
import { defaultPolicySelection, type DefaultPolicy, type Settings } from '../../../shared/settings'

/** The policies the page offers: the Settings ones plus "every unused image". */
export type PagePolicy = DefaultPolicy | { kind: 'unused' }

export type CleanupRequest =
  | { kind: 'default-policy' }
  | { kind: 'policy'; policy: PagePolicy }
  | { kind: 'images'; images: string[]; force: boolean; withContainers: boolean }
  | { kind: 'invalid'; reason: string }

const MAX_DAYS = 3650
const MAX_COUNT = 1000

function positiveInt(text: string | null, max: number): number | null {
  if (text === null || !/^\d+$/.test(text)) return null
  const value = Number(text)
  return value >= 1 && value <= max ? value : null
}

function flag(text: string | null): boolean {
  return text === '1' || text === 'true'
}

export function parseCleanupRequest(hash: string): CleanupRequest {
  const query = hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : ''
  const params = new URLSearchParams(query)
  const images = params.get('images')
  if (images !== null) {
    const ids = images
      .split(',')
      .map((id) => id.trim())
      .filter((id) => id !== '')
    if (ids.length === 0) return { kind: 'invalid', reason: 'The link names no images.' }
    return {
      kind: 'images',
      images: ids,
      force: flag(params.get('force')),
      withContainers: flag(params.get('withContainers')),
    }
  }
  const policy = params.get('policy')
  switch (policy) {
    case null:
    case 'default':
      return { kind: 'default-policy' }
    case 'dangling':
    case 'unused':
      return { kind: 'policy', policy: { kind: policy } }
    case 'unused-older-than': {
      const days = positiveInt(params.get('days'), MAX_DAYS)
      return days === null
        ? { kind: 'invalid', reason: `“days” must be a whole number from 1 to ${MAX_DAYS}.` }
        : { kind: 'policy', policy: { kind: policy, days } }
    }
    case 'keep-last': {
      const count = positiveInt(params.get('count'), MAX_COUNT)
      return count === null
        ? { kind: 'invalid', reason: `“count” must be a whole number from 1 to ${MAX_COUNT}.` }
        : { kind: 'policy', policy: { kind: policy, count } }
    }
    default:
      return { kind: 'invalid', reason: `There is no cleanup policy called “${policy}”.` }
  }
}

export function cleanupHash(request: Exclude<CleanupRequest, { kind: 'invalid' }>): string {
  const params = new URLSearchParams()
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
    case 'images':
      params.set('images', request.images.join(','))
      if (request.force) params.set('force', '1')
      if (request.withContainers) params.set('withContainers', '1')
      break
  }
  // Image IDs are `sha256:<hex>`: keep the colons and commas readable in the address.
  return `#/cleanup?${params.toString().replace(/%3A/g, ':').replace(/%2C/g, ',')}`
}

/** The planner's selection for a policy (the service adds Settings' protection to every plan). */
export function policySelection(policy: PagePolicy, settings: Settings): SelectionInput {
  if (policy.kind === 'unused') return { unused: true }
  const {
    protect: _protect,
    protectLabels: _labels,
    ...selection
  } = defaultPolicySelection({
    ...settings,
    defaultPolicy: policy,
  })
  return selection
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
