import { useEffect, useRef } from 'react';
import type { ApiErrorCode, MailFolderView } from '../../../shared/api/index.js';
import { invoke, on } from '../api/client.js';
import { useCoalescedRead } from '../hooks/useCoalescedRead.js';
import { sortFolders } from './folders.js';

export type FoldersState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'failed'; readonly code: ApiErrorCode }
  | { readonly kind: 'ready'; readonly folders: readonly MailFolderView[] };

/**
 * The folders with their counts, re-read when `mail.changed` says something moved. `changed`
 * hands the changed folder paths to the screen (to refresh its list). Reads never overlap.
 */
export function useFolders(changed: (folders: readonly string[]) => void): FoldersState {
  const { state, refresh } = useCoalescedRead(async () => sortFolders((await invoke('mail.folders', {})).folders));
  const ready = useRef(false);
  ready.current = state.kind === 'ready';
  const onChanged = useRef(changed);
  onChanged.current = changed;

  useEffect(() => {
    const offChanged = on('mail.changed', ({ folders }) => {
      refresh();
      onChanged.current(folders);
    });
    // Until folders are here, a status change (signed in, back online) may bring them; after
    // that `mail.changed` says when they move (status comes with every sync step: too often).
    const offStatus = on('mail.status', () => {
      if (!ready.current) refresh();
    });
    return () => {
      offChanged();
      offStatus();
    };
  }, [refresh]);

  return state.kind === 'ready' ? { kind: 'ready', folders: state.value } : state;
}
