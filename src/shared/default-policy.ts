/**
 * The default policy in words and as a selection: zod-free, so the window's first paint (the
 * dashboard's "Clean up safely") loads none of settings.ts's schemas.
 */
import type { SelectionInput } from './cleanup'
import type { DefaultPolicy, Settings } from './settings'

/** One line for the UI and the tray: what the default policy does. */
export function describePolicy(policy: DefaultPolicy): string {
  switch (policy.kind) {
    case 'dangling':
      return 'Dangling images only'
    case 'unused-older-than':
      return `Unused images not used for ${policy.days} days`
    case 'keep-last':
      return `Keep the ${policy.count} newest tags of each repository`
  }
}

/** The selection behind "Clean up safely": the default policy plus the protection settings. */
export function defaultPolicySelection(settings: Settings): SelectionInput {
  const protection = {
    protect: settings.protectedPatterns,
    protectLabels: settings.protectedLabels,
  }
  const policy = settings.defaultPolicy
  const kinds = settings.defaultPolicyKinds
  const others = {
    ...(kinds.stoppedContainers ? { stoppedContainers: true } : {}),
    ...(kinds.buildCache ? { buildCache: true } : {}),
    ...(kinds.unusedVolumes ? { unusedVolumes: true } : {}),
  }
  switch (policy.kind) {
    case 'dangling':
      return { dangling: true, ...others, ...protection }
    case 'unused-older-than':
      return { unused: true, unusedFor: `${policy.days}d`, ...others, ...protection }
    case 'keep-last':
      return { keepLast: policy.count, ...others, ...protection }
  }
}
