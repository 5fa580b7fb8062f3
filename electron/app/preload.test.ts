import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { CaduceeBridge } from '../../shared/api/bridge.js';

/** The preload against a recording stand-in for 'electron' (contextBridge, ipcRenderer). */
type Listener = (event: unknown, message: unknown) => void;

const fake = vi.hoisted(() => {
  const exposed = new Map<string, unknown>();
  const listeners: { channel: string; fn: Listener }[] = [];
  const invoked: unknown[][] = [];
  let reply: (args: unknown[]) => Promise<unknown> = async () => ({ ok: true, value: {} });
  return {
    exposed,
    listeners,
    invoked,
    setReply(fn: (args: unknown[]) => Promise<unknown>) {
      reply = fn;
    },
    electron: {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
      ipcRenderer: {
        on: (channel: string, fn: Listener) => listeners.push({ channel, fn }),
        invoke: (...args: unknown[]) => {
          invoked.push(args);
          return reply(args);
        },
      },
    },
  };
});

vi.mock('electron', () => fake.electron);

let bridge: CaduceeBridge;
const push = (message: unknown) => fake.listeners[0]?.fn({ sender: 'IpcRendererEvent' }, message);

beforeAll(async () => {
  await import('./preload.js');
  bridge = fake.exposed.get('caducee') as CaduceeBridge;
});

describe('preload', () => {
  it('exposes exactly window.caducee with invoke and on, nothing else', () => {
    expect([...fake.exposed.keys()]).toEqual(['caducee']);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on']);
  });

  it('listens once on the event channel', () => {
    expect(fake.listeners.map((l) => l.channel)).toEqual(['caducee:event']);
  });

  it('sends { method, input } on the invoke channel and returns the result', async () => {
    await expect(bridge.invoke('app.getInfo', {})).resolves.toEqual({ ok: true, value: {} });
    expect(fake.invoked.at(-1)).toEqual(['caducee:invoke', { method: 'app.getInfo', input: {} }]);
  });

  it('turns an IPC failure into UNAVAILABLE rather than a thrown error', async () => {
    fake.setReply(() => Promise.reject(new Error('No handler registered')));
    await expect(bridge.invoke('app.getInfo', {})).resolves.toEqual({ ok: false, error: { code: 'UNAVAILABLE' } });
    fake.setReply(async () => ({ ok: true, value: {} }));
  });

  it('dispatches known events to their handlers only, with the payload alone', () => {
    const status = vi.fn();
    const settings = vi.fn();
    const offStatus = bridge.on('status.changed', status);
    bridge.on('settings.changed', settings);
    push({ event: 'status.changed', payload: { x: 1 } });
    expect(status).toHaveBeenCalledWith({ x: 1 });
    expect(status.mock.calls[0]).toHaveLength(1);
    expect(settings).not.toHaveBeenCalled();
    offStatus();
    push({ event: 'status.changed', payload: { x: 2 } });
    expect(status).toHaveBeenCalledTimes(1);
  });

  it('ignores unknown event names and malformed messages', () => {
    const handler = vi.fn();
    expect(bridge.on('not.an.event', handler)()).toBeUndefined();
    bridge.on('status.changed', handler);
    push({ event: '__proto__', payload: 1 });
    push(null);
    push('status.changed');
    expect(handler).not.toHaveBeenCalled();
  });

  it('keeps delivering when one handler throws', () => {
    const after = vi.fn();
    bridge.on('settings.changed', () => {
      throw new Error('screen bug');
    });
    bridge.on('settings.changed', after);
    push({ event: 'settings.changed', payload: {} });
    expect(after).toHaveBeenCalled();
  });
});
