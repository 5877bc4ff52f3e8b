/**
 * The accessibility audit every page passes (axe-core: WCAG 2.1 A and AA, and axe's best
 * practices), with its violations written as lines people can act on.
 */
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']
export const SCHEMES = ['light', 'dark'] as const

type Violations = Awaited<ReturnType<AxeBuilder['analyze']>>['violations']

/** Violations as lines people can act on: rule, impact, what it asks, and where. */
export function describeViolations(violations: Violations): string[] {
  return violations.map((violation) => {
    const where = violation.nodes
      .slice(0, 8)
      .map((node) => {
        const summary = (node.failureSummary ?? '').split('\n').slice(1).join(' ').trim()
        return `      ${node.target.join(' ')}${summary ? `\n        ${summary}` : ''}`
      })
      .join('\n')
    const more =
      violation.nodes.length > 8 ? `\n      … and ${violation.nodes.length - 8} more` : ''
    return `  ${violation.id} (${violation.impact ?? 'unknown'}): ${violation.help}\n    ${violation.helpUrl}\n${where}${more}`
  })
}

/** The page as it is now, audited: one failure text per violated page, or null. */
export async function auditPage(page: Page, name: string): Promise<string | null> {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze()
  if (results.violations.length === 0) return null
  return `${name}: ${results.violations.length} violation(s)\n${describeViolations(results.violations).join('\n')}`
}
