/** Cleanup preview and run: the exact plan, confirmation, progress, and the result. */
import type { ReactNode } from 'react'
import { PageHeader } from '../components/PageHeader'

export function CleanupPage(): ReactNode {
  return <PageHeader title="Cleanup" subtitle="What will be removed, before anything is." />
}
