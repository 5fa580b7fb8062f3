import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiErrorCode } from '../../../shared/api/index.js';
import { ApiCallError } from '../api/client.js';

export type ReadState<T> =
  | { readonly kind: 'loading' }
  | { readonly kind: 'failed'; readonly code: ApiErrorCode }
  | { readonly kind: 'ready'; readonly value: T };

/**
 * A value read from main and read again on `refresh()` (an event said it changed). Reads never
 * overlap: a refresh during a read asks for one more read after it, so a burst of events costs
 * two reads, not one per event. A failure keeps what is shown once something was: LOCKED means
 * the lock screen covers it (services publish again once the session is open), and a passing
 * error should not blank a screen the user is reading.
 */
export function useCoalescedRead<T>(read: () => Promise<T>): { readonly state: ReadState<T>; readonly refresh: () => void } {
  const [state, setState] = useState<ReadState<T>>({ kind: 'loading' });
  const reading = useRef(false);
  const again = useRef(false);
  const live = useRef(true);
  const reader = useRef(read);
  reader.current = read;

  const refresh = useCallback(() => {
    if (reading.current) {
      again.current = true;
      return;
    }
    reading.current = true;
    again.current = false;
    reader
      .current()
      .then(
        (value) => live.current && setState({ kind: 'ready', value }),
        (error: unknown) => {
          const code = error instanceof ApiCallError ? error.code : 'INTERNAL';
          if (live.current && code !== 'LOCKED') setState((previous) => (previous.kind === 'ready' ? previous : { kind: 'failed', code }));
        },
      )
      .finally(() => {
        reading.current = false;
        if (again.current && live.current) refresh();
      });
  }, []);

  useEffect(() => {
    live.current = true;
    refresh();
    return () => {
      live.current = false;
    };
  }, [refresh]);

  return { state, refresh };
}
