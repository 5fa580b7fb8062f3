import {
  wireServerFrameSchema,
  type CaduceeBridge,
  type CallResult,
  type WireClientFrame,
} from '../../../shared/api/index.js';

/**
 * The web host's side of the bridge (development and tests): the same `CaduceeBridge` as the
 * Electron preload, carried over a WebSocket to 127.0.0.1 with this run's token.
 */
const TOKEN_KEY = 'caducee.webhost.token';

/** Takes the token from `#token=…` once, then removes it from the address bar. */
export function takeTokenFromLocation(): string | null {
  const match = /(?:^|[#&])token=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (match?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, match[1]);
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return match[1];
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

const unavailable: CallResult = { ok: false, error: { code: 'UNAVAILABLE' } };

export function createWebSocketBridge(token: string): CaduceeBridge {
  const url = `ws://${window.location.host}/bridge?token=${encodeURIComponent(token)}`;
  const pending = new Map<number, (result: CallResult) => void>();
  const handlers = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 1;

  const socket = new WebSocket(url);
  const opened = new Promise<boolean>((resolve) => {
    socket.addEventListener('open', () => resolve(true), { once: true });
    socket.addEventListener('error', () => resolve(false), { once: true });
  });
  socket.addEventListener('close', () => {
    for (const settle of pending.values()) settle(unavailable);
    pending.clear();
  });
  socket.addEventListener('message', (message: MessageEvent<unknown>) => {
    if (typeof message.data !== 'string') return;
    const parsed = wireServerFrameSchema.safeParse(JSON.parse(message.data));
    if (!parsed.success) return;
    const frame = parsed.data;
    if (frame.kind === 'result') {
      pending.get(frame.id)?.(frame.result);
      pending.delete(frame.id);
    } else {
      handlers.get(frame.event)?.forEach((handler) => handler(frame.payload));
    }
  });

  return {
    async invoke(method, input) {
      if (!(await opened) || socket.readyState !== WebSocket.OPEN) return unavailable;
      const id = nextId++;
      const frame: WireClientFrame = { id, method, input };
      return new Promise<CallResult>((resolve) => {
        pending.set(id, resolve);
        socket.send(JSON.stringify(frame));
      });
    },
    on(event, handler) {
      const set = handlers.get(event) ?? new Set();
      set.add(handler);
      handlers.set(event, set);
      return () => set.delete(handler);
    },
  };
}
