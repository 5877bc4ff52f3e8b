/** Fan-out of contract events to every subscribed transport (IPC windows, SSE clients, CLI). */
import type { DrydockEvent, EventListener, EventSource } from '../shared/contract'

export class EventBus implements EventSource {
  private readonly listeners = new Set<EventListener>()

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  emit(event: DrydockEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event)
      } catch {
        // One broken subscriber (a closed window, a dropped SSE socket) must not starve the rest.
      }
    }
  }
}
