/**
 * What the Containers, Volumes and Build cache browsers lay out alike: the summary, the filters,
 * the selection bar and the table. Each page brings only its own counts, texts and actions.
 */
import type { ComponentProps, ReactNode } from 'react'
import type { KindRow } from './model'
import { KindTable } from './KindTable'
import { KindFilters, KindSelectionBar } from './KindToolbar'
import type { useKindBrowser } from './useKindBrowser'

export function KindBrowserLayout<R extends KindRow>({
  view,
  total,
  testId,
  summary,
  sizes,
  filters,
  selection,
  table,
}: {
  view: ReturnType<typeof useKindBrowser<R>>
  /** Every row, filtered or not: the summary says when the filter shows fewer. */
  total: number
  /** The summary's test id, e.g. "containers-summary". */
  testId: string
  /** The summary line's counts, before "· showing N". */
  summary: ReactNode
  sizes: ReactNode
  filters: Pick<ComponentProps<typeof KindFilters>, 'noun' | 'placeholder' | 'chips'>
  selection: Pick<ComponentProps<typeof KindSelectionBar>, 'noun' | 'warnings' | 'actions'>
  table: Pick<ComponentProps<typeof KindTable>, 'label' | 'kind' | 'text' | 'none'>
}): ReactNode {
  return (
    <>
      <div className="images-summary" data-testid={testId}>
        <p>
          {summary}
          {view.shown !== total ? <> · showing {view.shown.toLocaleString()}</> : null}
        </p>
        {sizes}
      </div>
      <KindFilters {...filters} {...view.filters} />
      <KindSelectionBar
        {...selection}
        selected={view.selectedIds.length}
        hidden={view.hidden}
        onClear={view.clear}
      />
      <KindTable {...table} table={view.table} />
    </>
  )
}
