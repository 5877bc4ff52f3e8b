/** The icon of a kind of disk object, as the sidebar, the plan and History show it. */
import type { ReactNode } from 'react'
import type { ItemKind } from '../../../shared/cleanup'
import { BuildCacheIcon, ContainersIcon, ImagesIcon, VolumesIcon } from '../components/Icons'

const ICONS: Record<ItemKind, (props: { size?: number }) => ReactNode> = {
  image: ImagesIcon,
  container: ContainersIcon,
  volume: VolumesIcon,
  'build-cache': BuildCacheIcon,
}

/** Decorative: the kind's name is always written beside it. */
export function KindIcon({ kind, size = 16 }: { kind: ItemKind; size?: number }): ReactNode {
  const Icon = ICONS[kind]
  return (
    <span className="kind-icon" aria-hidden="true">
      <Icon size={size} />
    </span>
  )
}
