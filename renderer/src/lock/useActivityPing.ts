import { useEffect } from 'react';
import { invoke } from '../api/client.js';
import { createThrottle } from './throttle.js';

/** At most one `session.activity` per 30 s: enough to postpone the idle lock, cheap on the bridge. */
export const ACTIVITY_THROTTLE_MS = 30_000;

/**
 * While signed in, tells main that the professional is at the keyboard (keydown, pointerdown),
 * so the idle lock waits. Throttled: the first input sends at once, the next ones only after
 * ACTIVITY_THROTTLE_MS. Nothing is sent while locked: typing a PIN is not activity.
 */
export function useActivityPing(active: boolean): void {
  useEffect(() => {
    if (!active) return;
    const gate = createThrottle(ACTIVITY_THROTTLE_MS);
    const ping = (): void => {
      if (!gate()) return;
      invoke('session.activity', {}).catch(() => undefined);
    };
    window.addEventListener('keydown', ping, { capture: true, passive: true });
    window.addEventListener('pointerdown', ping, { capture: true, passive: true });
    return () => {
      window.removeEventListener('keydown', ping, { capture: true });
      window.removeEventListener('pointerdown', ping, { capture: true });
    };
  }, [active]);
}
