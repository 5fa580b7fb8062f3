import type { EventName, EventPayload } from '../../shared/api/index.js';

type Listener = (event: EventName, payload: unknown) => void;

/** Services publish typed events here; each transport (IPC, WebSocket) forwards them. */
export interface EventBus {
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  subscribe(listener: Listener): () => void;
}

export function createEventBus(): EventBus {
  const listeners = new Set<Listener>();
  return {
    emit(event, payload) {
      for (const listener of listeners) listener(event, payload);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
