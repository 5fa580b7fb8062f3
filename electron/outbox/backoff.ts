export interface RetryPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
  /** After this many counted attempts, a failing job goes to `needs-review` (à vérifier). */
  readonly maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 2_000, maxMs: 15 * 60_000, maxAttempts: 8 };

/**
 * Exponential backoff with "equal jitter" (half fixed, half random): many jobs failing at the
 * same instant (a server restart) do not all come back at the same instant. A server's hint
 * is a floor, not a suggestion; the cap keeps a silly hint from parking a job for a day.
 */
export function nextDelayMs(attempts: number, policy: RetryPolicy, random: () => number, hintMs?: number): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  const jittered = exp / 2 + (random() * exp) / 2;
  return Math.round(Math.min(policy.maxMs, Math.max(jittered, hintMs ?? 0)));
}
