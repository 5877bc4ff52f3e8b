/**
 * The named volumes a plan deletes, each with what tells its owner what it is: its size, the
 * container it belongs to and its compose project. Shown in the confirmation before any of them
 * goes (anonymous volumes, which no one named, need no such care).
 */
import type { ReactNode } from 'react'
import type { Plan, PlanItem } from '../../../shared/cleanup'
import { formatBytes } from '../../../shared/format'
import type { VolumeView } from '../../../shared/kinds'

/** Volumes the plan deletes that are not known to be anonymous. */
export function namedVolumesOf(
  plan: Plan,
  volumes: ReadonlyMap<string, VolumeView> | null,
): PlanItem[] {
  return plan.items.filter(
    (item) =>
      item.kind === 'volume' &&
      item.requests.length > 0 &&
      volumes?.get(item.id)?.anonymous !== true,
  )
}

/** The containers that mount it now (those the plan removes first included), in words. */
function containerOf(item: PlanItem, view: VolumeView | undefined): string {
  const mounted = view?.mountedBy.length ? view.mountedBy : item.affectedContainers
  if (mounted.length === 0) return 'none now: no container mounts it'
  return mounted
    .map((container) => {
      const removed = item.affectedContainers.some(
        (affected) => affected.id === container.id && affected.effect === 'removed',
      )
      return `${container.name} (${container.state}${removed ? ', removed first' : ''})`
    })
    .join(', ')
}

export function NamedVolumesTable({
  items,
  volumes,
}: {
  items: PlanItem[]
  volumes: ReadonlyMap<string, VolumeView> | null
}): ReactNode {
  return (
    <div className="named-volumes">
      <table className="named-volumes__table" data-testid="named-volumes">
        <caption className="visually-hidden">The named volumes this cleanup deletes</caption>
        <thead>
          <tr>
            <th scope="col">Volume</th>
            <th scope="col" className="numeric">
              Size
            </th>
            <th scope="col">Container</th>
            <th scope="col">Compose project</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => {
            const view = volumes?.get(item.id)
            const size = view?.size ?? null
            return (
              <tr key={item.id} data-volume={item.id}>
                <th scope="row" className="mono">
                  {item.name}
                </th>
                <td
                  className="numeric"
                  title={
                    size === null
                      ? `Not measured yet; the plan frees ${item.reclaimBytes.toLocaleString()} bytes`
                      : `${size.toLocaleString()} bytes`
                  }
                >
                  {formatBytes(size ?? item.reclaimBytes)}
                </td>
                <td>{containerOf(item, view)}</td>
                <td>
                  {(view?.composeProject ?? item.project) || <span className="muted">none</span>}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
