import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../policy/logger.js';
import { createIdleLock } from './idleLock.js';

describe('idle lock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('locks once after the idle period, not before, and activity postpones it', async () => {
    vi.useFakeTimers();
    const lock = vi.fn(async () => undefined);
    const idle = createIdleLock({ minutes: () => 1, log: silentLogger, lock, now: () => Date.now(), checkEveryMs: 1_000 });
    idle.start();
    await vi.advanceTimersByTimeAsync(50_000);
    idle.touch();
    await vi.advanceTimersByTimeAsync(50_000);
    expect(lock).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(11_000);
    expect(lock).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(lock).toHaveBeenCalledTimes(1);
  });

  it('does nothing while stopped (signed out)', async () => {
    vi.useFakeTimers();
    const lock = vi.fn(async () => undefined);
    const idle = createIdleLock({ minutes: () => 1, log: silentLogger, lock, checkEveryMs: 1_000 });
    idle.start();
    idle.stop();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(lock).not.toHaveBeenCalled();
  });
});
