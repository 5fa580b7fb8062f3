import { describe, expect, it } from 'vitest';
import { callContextOf, parseInvokePayload, type FrameLike } from './callContext.js';

function frame(url: string, ids: { processId?: number; routingId?: number; parent?: FrameLike | null; destroyed?: boolean; detached?: boolean } = {}): FrameLike {
  return {
    url,
    processId: ids.processId ?? 4,
    routingId: ids.routingId ?? 1,
    parent: ids.parent ?? null,
    detached: ids.detached ?? false,
    isDestroyed: () => ids.destroyed ?? false,
  };
}

describe('callContextOf', () => {
  const main = frame('app://caducee/index.html');

  it('recognises the app document in the main frame', () => {
    expect(callContextOf(main, main)).toEqual({ origin: 'app://caducee', isMainFrame: true });
  });
  it('matches the main frame by ids when Electron hands out another wrapper', () => {
    expect(callContextOf(frame('app://caducee/index.html'), main).isMainFrame).toBe(true);
  });
  it('marks an iframe as such, even one of the app origin', () => {
    const child = frame('app://caducee/x.html', { routingId: 2, parent: main });
    expect(callContextOf(child, main)).toEqual({ origin: 'app://caducee', isMainFrame: false });
  });
  it('treats a missing, destroyed or detached sender as a non-main frame', () => {
    expect(callContextOf(null, main).isMainFrame).toBe(false);
    expect(callContextOf(undefined, main).isMainFrame).toBe(false);
    expect(callContextOf(frame('app://caducee/', { destroyed: true }), main).isMainFrame).toBe(false);
    expect(callContextOf(frame('app://caducee/', { detached: true }), main).isMainFrame).toBe(false);
    expect(callContextOf(main, null).isMainFrame).toBe(false);
  });
  it('reports a foreign origin as it is, for the router to refuse', () => {
    expect(callContextOf(frame('https://evil.example/'), frame('https://evil.example/')).origin).toBe('https://evil.example');
  });
});

describe('parseInvokePayload', () => {
  it('accepts an object with a method name, passing the input through untouched', () => {
    const input = { anything: [1, 2] };
    expect(parseInvokePayload({ method: 'app.getInfo', input })).toEqual({ method: 'app.getInfo', input });
    expect(parseInvokePayload({ method: 'app.getInfo' })).toEqual({ method: 'app.getInfo', input: undefined });
  });
  it.each([null, undefined, 'app.getInfo', 42, [], ['app.getInfo'], {}, { method: 1 }, { method: '' }, { method: 'x'.repeat(101) }])(
    'refuses %j',
    (payload) => {
      expect(parseInvokePayload(payload)).toBeNull();
    },
  );
});
