import type { Logger } from '../policy/logger.js';

/**
 * Locks the session after a period without the professional's activity (a setting that machine
 * policy can fix). The renderer reports activity, throttled; the timer runs only while signed in.
 */
export interface IdleLock {
  /** Starts (or restarts) the countdown; called at sign-in. */
  start(): void;
  touch(): void;
  stop(): void;
}

export function createIdleLock(options: {
  /** Read at each check: a changed setting applies without signing in again. */
  minutes: () => number;
  log: Logger;
  lock: () => Promise<void>;
  now?: () => number;
  checkEveryMs?: number;
}): IdleLock {
  const now = options.now ?? Date.now;
  let last = now();
  let timer: NodeJS.Timeout | undefined;
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  const check = () => {
    const minutes = options.minutes();
    if (now() - last < minutes * 60_000) return;
    stop();
    options.log.info('session.idle-lock', { minutes });
    void options.lock().catch(() => undefined);
  };
  return {
    start() {
      last = now();
      stop();
      timer = setInterval(check, options.checkEveryMs ?? 15_000);
      timer.unref();
    },
    touch() {
      last = now();
    },
    stop,
  };
}
