import { describe, expect, it } from 'vitest';
import { WindowCache, type WindowPage } from './windowCache.js';

/** A folder of `total` rows (row i = i), answering when told to: the test controls the timing. */
function folder(total: number) {
  const calls: { offset: number; limit: number; resolve: () => void; reject: () => void }[] = [];
  const fetch = (offset: number, limit: number) =>
    new Promise<WindowPage<number>>((resolve, reject) => {
      calls.push({
        offset,
        limit,
        resolve: () => resolve({ total, items: Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) => offset + i) }),
        reject: () => reject(new Error('down')),
      });
    });
  return { calls, fetch };
}
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('WindowCache', () => {
  it('fetches only the pages around what is shown, once each, even when asked again while in flight', async () => {
    const f = folder(100_000);
    const cache = new WindowCache(f.fetch, { pageSize: 100 });
    cache.ensure(0, 30);
    cache.ensure(0, 30);
    cache.ensure(5, 40);
    expect(f.calls.map((c) => c.offset)).toEqual([0]);
    f.calls[0]?.resolve();
    await flush();
    expect(cache.total).toBe(100_000);
    expect(cache.get(42)).toBe(42);
    expect(cache.get(142)).toBeUndefined();
    // Scrolling across a page boundary asks for the next page only.
    cache.ensure(90, 130);
    expect(f.calls.map((c) => c.offset)).toEqual([0, 100]);
    // The end of a 100,000-row folder: one page, not the 999 in between.
    cache.ensure(99_980, 99_999);
    expect(f.calls.map((c) => c.offset)).toEqual([0, 100, 99_900]);
  });

  it('keeps at most maxPages, dropping the farthest from where the user is', async () => {
    const f = folder(10_000);
    const cache = new WindowCache(f.fetch, { pageSize: 10, maxPages: 3 });
    for (const start of [0, 10, 20, 30]) {
      cache.ensure(start, start + 5);
      f.calls.at(-1)?.resolve();
      await flush();
    }
    expect(cache.get(0)).toBeUndefined();
    expect([10, 20, 30].map((i) => cache.get(i))).toEqual([10, 20, 30]);
  });

  it('after invalidate, shows the old rows until the new ones come, and ignores answers asked before the change', async () => {
    const f = folder(50);
    const cache = new WindowCache(f.fetch, { pageSize: 100 });
    cache.ensure(0, 10);
    f.calls[0]?.resolve();
    await flush();
    cache.ensure(0, 10);
    expect(f.calls).toHaveLength(1);
    cache.invalidate();
    expect(cache.get(3)).toBe(3);
    cache.ensure(0, 10);
    expect(f.calls).toHaveLength(2);
    // An answer from before a second change does not count as fresh.
    cache.invalidate();
    f.calls[1]?.resolve();
    await flush();
    cache.ensure(0, 10);
    expect(f.calls).toHaveLength(3);
  });

  it('patches a row in place and tells the list', async () => {
    const f = folder(5);
    const cache = new WindowCache(f.fetch);
    let told = 0;
    cache.subscribe(() => (told += 1));
    cache.ensure(0, 4);
    f.calls[0]?.resolve();
    await flush();
    cache.patch(
      (n) => n === 2,
      (n) => n * 100,
    );
    expect(cache.get(2)).toBe(200);
    expect(told).toBe(2);
  });

  it('does not retry a failed page on every scroll event, but does after a pause', async () => {
    const f = folder(500);
    let now = 1_000;
    const cache = new WindowCache(f.fetch, { pageSize: 100 }, () => now);
    cache.ensure(0, 10);
    f.calls[0]?.reject();
    await flush();
    expect(cache.hasFailed).toBe(true);
    for (let i = 0; i < 20; i += 1) cache.ensure(i, i + 10);
    expect(f.calls).toHaveLength(1);
    now += 2_500;
    cache.ensure(0, 10);
    expect(f.calls).toHaveLength(2);
    f.calls[1]?.resolve();
    await flush();
    expect(cache.hasFailed).toBe(false);
    expect(cache.get(0)).toBe(0);
  });

  it('asks for the first page again when an empty folder changed (no row on screen would)', async () => {
    let total = 0;
    const calls: number[] = [];
    const cache = new WindowCache<number>(async (offset) => {
      calls.push(offset);
      return { total, items: total > 0 ? [0] : [] };
    });
    cache.ensure(0, 0);
    await flush();
    expect(cache.total).toBe(0);
    total = 1;
    cache.invalidate();
    await flush();
    expect(calls).toEqual([0, 0]);
    expect(cache.total).toBe(1);
  });

  it('forgets pages past the end when the folder shrank', async () => {
    let total = 250;
    const pending: (() => void)[] = [];
    const cache = new WindowCache<number>(
      (offset, limit) =>
        new Promise((resolve) =>
          pending.push(() => resolve({ total, items: Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) => offset + i) })),
        ),
      { pageSize: 100 },
    );
    cache.ensure(0, 249);
    pending.splice(0).forEach((answer) => answer());
    await flush();
    expect(cache.get(220)).toBe(220);
    total = 120;
    cache.invalidate();
    cache.ensure(0, 50);
    pending.splice(0).forEach((answer) => answer());
    await flush();
    expect(cache.total).toBe(120);
    expect(cache.get(220)).toBeUndefined();
  });
});
