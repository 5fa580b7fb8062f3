import { useEffect } from 'react';
import type { ApiErrorCode, OutboxView } from '../../../shared/api/index.js';
import { invoke, on } from '../api/client.js';
import { useCoalescedRead } from '../hooks/useCoalescedRead.js';

export type OutboxListState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'failed'; readonly code: ApiErrorCode }
  | { readonly kind: 'ready'; readonly view: OutboxView };

/** « Envois en attente »: read once, then re-read on every `outbox.changed` (reads coalesced). */
export function useOutbox(): { readonly state: OutboxListState; readonly refresh: () => void } {
  const { state, refresh } = useCoalescedRead(() => invoke('outbox.list', {}));
  useEffect(() => on('outbox.changed', () => refresh()), [refresh]);
  return { state: state.kind === 'ready' ? { kind: 'ready', view: state.value } : state, refresh };
}
