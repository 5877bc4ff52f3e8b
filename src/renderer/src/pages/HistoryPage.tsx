/** History: past cleanups from the local log. It needs no engine, so it never waits for one. */
import type { ReactNode } from 'react'
import { ConnectionErrorBanner } from '../components/ConnectionErrorBanner'
import { EmptyState } from '../components/EmptyState'
import { HistoryIcon } from '../components/Icons'
import { PageHeader } from '../components/PageHeader'

export function HistoryPage(): ReactNode {
  return (
    <>
      <PageHeader title="History" subtitle="Past cleanups, newest first." />
      <ConnectionErrorBanner />
      <EmptyState icon={<HistoryIcon size={28} />} title="No cleanups yet" testId="history-empty">
        <p>
          Every cleanup Drydock runs is recorded here, even when Docker is not running: what the
          plan predicted, what happened to each image, and how many bytes really came back.
        </p>
      </EmptyState>
    </>
  )
}
