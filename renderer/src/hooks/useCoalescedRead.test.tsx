// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiCallError } from '../api/client.js';
import { useCoalescedRead, type ReadState } from './useCoalescedRead.js';

beforeAll(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
});

let root: Root | undefined;
afterEach(() => {
  act(() => root?.unmount());
  root = undefined;
});

/** A read the test answers by hand, one call at a time. */
function manualRead() {
  const calls: { resolve: (v: number) => void; reject: (e: unknown) => void }[] = [];
  const read = () => new Promise<number>((resolve, reject) => calls.push({ resolve, reject }));
  return { read, calls };
}

function mount(read: () => Promise<number>) {
  const seen: { state: ReadState<number>; refresh: () => void }[] = [];
  function Probe() {
    seen.push(useCoalescedRead(read));
    return null;
  }
  const container = document.createElement('div');
  root = createRoot(container);
  act(() => root?.render(<Probe />));
  return { last: () => seen[seen.length - 1]! };
}

describe('useCoalescedRead', () => {
  it('reads once at mount, and a burst of refreshes during a read costs one more read, not one each', async () => {
    const { read, calls } = manualRead();
    const probe = mount(read);
    expect(calls).toHaveLength(1);
    for (let i = 0; i < 5; i += 1) probe.last().refresh();
    expect(calls).toHaveLength(1);
    await act(async () => calls[0]!.resolve(1));
    expect(calls).toHaveLength(2);
    await act(async () => calls[1]!.resolve(2));
    expect(probe.last().state).toEqual({ kind: 'ready', value: 2 });
    expect(calls).toHaveLength(2);
  });

  it('keeps what is shown when a later read fails, stays loading when locked, and says other failures', async () => {
    const { read, calls } = manualRead();
    const probe = mount(read);
    await act(async () => calls[0]!.reject(new ApiCallError('LOCKED')));
    expect(probe.last().state).toEqual({ kind: 'loading' });
    act(() => probe.last().refresh());
    await act(async () => calls[1]!.reject(new ApiCallError('UNAVAILABLE')));
    expect(probe.last().state).toEqual({ kind: 'failed', code: 'UNAVAILABLE' });
    act(() => probe.last().refresh());
    await act(async () => calls[2]!.resolve(7));
    act(() => probe.last().refresh());
    await act(async () => calls[3]!.reject(new Error('socket closed')));
    expect(probe.last().state).toEqual({ kind: 'ready', value: 7 });
  });
});
