import { useCallback, useEffect, useRef, useState } from 'react';
import type { OutboxView } from '../../../shared/api/index.js';
import { ApiCallError, invoke, on } from '../api/client.js';

export type OutboxListState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'failed'; readonly code: ApiCallError['code'] }
  | { readonly kind: 'ready'; readonly view: OutboxView };

/**
 * « Envois en attente »: read once, then re-read on every `outbox.changed`. Reads never overlap:
 * a change during a read asks for one more read after it. LOCKED keeps what is shown (the lock
 * screen covers it; the outbox publishes again once the session is open).
 */
export function useOutbox(): { readonly state: OutboxListState; readonly refresh: () => void } {
  const [state, setState] = useState<OutboxListState>({ kind: 'loading' });
  const reading = useRef(false);
  const again = useRef(false);
  const live = useRef(true);

  const refresh = useCallback(() => {
    if (reading.current) {
      again.current = true;
      return;
    }
    reading.current = true;
    again.current = false;
    invoke('outbox.list', {})
      .then(
        (view) => live.current && setState({ kind: 'ready', view }),
        (error: unknown) => {
          const code = error instanceof ApiCallError ? error.code : 'INTERNAL';
          if (live.current && code !== 'LOCKED') setState({ kind: 'failed', code });
        },
      )
      .finally(() => {
        reading.current = false;
        if (again.current && live.current) refresh();
      });
  }, []);

  useEffect(() => {
    live.current = true;
    const off = on('outbox.changed', () => refresh());
    refresh();
    return () => {
      live.current = false;
      off();
    };
  }, [refresh]);

  return { state, refresh };
}
