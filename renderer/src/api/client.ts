import {
  events,
  methods,
  type ApiErrorCode,
  type CaduceeBridge,
  type EventName,
  type EventPayload,
  type MethodInput,
  type MethodName,
  type MethodOutput,
} from '../../../shared/api/index.js';
import { createWebSocketBridge, takeTokenFromLocation } from './wsBridge.js';

declare global {
  interface Window {
    /** Set by the Electron preload; absent under the web host. */
    readonly caducee?: CaduceeBridge;
  }
}

/** A failed call, carrying the typed code the screens translate into French. */
export class ApiCallError extends Error {
  constructor(readonly code: ApiErrorCode) {
    super(code);
    this.name = 'ApiCallError';
  }
}

function pickBridge(): CaduceeBridge {
  if (window.caducee) return window.caducee;
  const token = takeTokenFromLocation();
  if (!token) {
    return {
      invoke: async () => ({ ok: false, error: { code: 'UNAVAILABLE' } }),
      on: () => () => undefined,
    };
  }
  return createWebSocketBridge(token);
}

const bridge = pickBridge();

/** Typed calls: the input is checked by the compiler here and by zod in main; outputs are re-checked. */
export async function invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const result = await bridge.invoke(method, input);
  if (!result.ok) throw new ApiCallError(result.error.code);
  const parsed = methods[method].output.safeParse(result.value);
  if (!parsed.success) throw new ApiCallError('INVALID_OUTPUT');
  return parsed.data as MethodOutput<M>;
}

export function on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void {
  return bridge.on(event, (payload) => {
    const parsed = events[event].safeParse(payload);
    if (parsed.success) handler(parsed.data as EventPayload<E>);
  });
}
