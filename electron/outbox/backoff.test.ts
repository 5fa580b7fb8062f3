import { describe, expect, it } from 'vitest';
import { nextDelayMs } from './backoff.js';

const policy = { baseMs: 1_000, maxMs: 60_000, maxAttempts: 5 };

describe('nextDelayMs', () => {
  it('doubles per attempt with half of it jittered', () => {
    expect([1, 2, 3, 4].map((a) => nextDelayMs(a, policy, () => 0))).toEqual([500, 1_000, 2_000, 4_000]);
    expect([1, 2, 3, 4].map((a) => nextDelayMs(a, policy, () => 1))).toEqual([1_000, 2_000, 4_000, 8_000]);
  });
  it('caps the delay, and takes a server hint as a floor under the cap', () => {
    expect(nextDelayMs(20, policy, () => 1)).toBe(60_000);
    expect(nextDelayMs(1, policy, () => 0, 10_000)).toBe(10_000);
    expect(nextDelayMs(1, policy, () => 0, 3_600_000)).toBe(60_000);
  });
});
