import { contextBridge, ipcRenderer } from 'electron';
import type { CaduceeBridge, CallResult } from '../../shared/api/bridge.js';
import { ipcChannels, isEventName } from '../../shared/api/channels.js';

/**
 * The preload of every Caducée window (sandboxed, so bundled to CommonJS by scripts/build.mjs).
 * It exposes exactly one object, `window.caducee`: `invoke(method, input)` and
 * `on(event, handler)`. Never ipcRenderer itself, never an IpcRendererEvent (its `sender`
 * would hand the page the whole IPC API).
 */
type Handler = (payload: unknown) => void;

const unavailable: CallResult = { ok: false, error: { code: 'UNAVAILABLE' } };
const subscriptions = new Map<string, Set<{ readonly handler: Handler }>>();

// One listener for the event channel, dispatching to the page's handlers by event name.
ipcRenderer.on(ipcChannels.event, (_event, message: unknown) => {
  if (typeof message !== 'object' || message === null) return;
  const { event, payload } = message as { event?: unknown; payload?: unknown };
  if (!isEventName(event)) return;
  const subscribers = subscriptions.get(event);
  if (!subscribers) return;
  for (const subscriber of [...subscribers]) {
    try {
      subscriber.handler(payload);
    } catch {
      // One failing screen must not stop the others from hearing the event.
    }
  }
});

const bridge: CaduceeBridge = {
  invoke(method, input) {
    if (typeof method !== 'string') return Promise.resolve<CallResult>({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    return (ipcRenderer.invoke(ipcChannels.invoke, { method, input }) as Promise<CallResult>).catch(() => unavailable);
  },
  on(event, handler) {
    if (!isEventName(event) || typeof handler !== 'function') return () => undefined;
    const subscriber = { handler };
    let subscribers = subscriptions.get(event);
    if (!subscribers) {
      subscribers = new Set();
      subscriptions.set(event, subscribers);
    }
    subscribers.add(subscriber);
    return () => {
      subscriptions.get(event)?.delete(subscriber);
    };
  },
};

contextBridge.exposeInMainWorld('caducee', bridge);
