/** Above the table: the text filter, the status filters, and the actions on the selection. */
import type { ReactNode } from 'react'
import { ChipFilter, SearchFilter, SelectionToolbar } from '../components/ListToolbar'
import { STATUSES, STATUS_TEXT, type ImageStatus } from './model'

export function ImagesFilters({
  text,
  onText,
  statuses,
  onStatuses,
  counts,
}: {
  text: string
  onText: (text: string) => void
  statuses: readonly ImageStatus[]
  onStatuses: (statuses: ImageStatus[]) => void
  counts: Readonly<Record<ImageStatus, number>>
}): ReactNode {
  return (
    <div className="images-filters">
      <SearchFilter
        label="Filter images by tag, digest, ID or container"
        placeholder="Filter by tag, digest, ID or container…"
        text={text}
        onText={onText}
      />
      <ChipFilter
        label="Show only images that are"
        chips={STATUSES}
        chosen={statuses}
        onChips={onStatuses}
        text={STATUS_TEXT}
        counts={counts}
      />
    </div>
  )
}

export interface SelectionActions {
  remove: () => void
  forceRemove: () => void
  removeWithContainers: () => void
  protect: () => void
  unprotect: () => void
}

export function SelectionBar({
  selected,
  hidden,
  canProtect,
  canUnprotect,
  busy,
  actions,
  onClear,
}: {
  selected: number
  /** Selected images the current filter hides. */
  hidden: number
  canProtect: boolean
  canUnprotect: boolean
  busy: boolean
  actions: SelectionActions
  onClear: () => void
}): ReactNode {
  return (
    <SelectionToolbar
      noun={['image', 'images']}
      selected={selected}
      hidden={hidden}
      countId="images-selection-count"
      actions={[
        [
          {
            label: 'Remove',
            title: 'Preview removing these images as docker rmi would',
            onClick: actions.remove,
          },
          {
            label: 'Force remove',
            title:
              'Preview docker rmi -f: removes references other images or stopped containers hold',
            onClick: actions.forceRemove,
            tone: 'warn',
          },
          {
            label: 'Remove with containers',
            title:
              'Preview stopping and removing the containers that use these images, then the images',
            onClick: actions.removeWithContainers,
            tone: 'warn',
          },
        ],
        [
          {
            label: 'Protect',
            title: "Add these images' references to the protected patterns in Settings",
            onClick: actions.protect,
            disabled: busy || !canProtect,
          },
          {
            label: 'Unprotect',
            title: "Remove these images' references from the protected patterns in Settings",
            onClick: actions.unprotect,
            disabled: busy || !canUnprotect,
          },
        ],
      ]}
      onClear={onClear}
    />
  )
}
