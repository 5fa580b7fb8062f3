import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiErrorCode, MailFolderView } from '../../../shared/api/index.js';
import { ApiCallError, invoke, on } from '../api/client.js';
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
  const [state, setState] = useState<FoldersState>({ kind: 'loading' });
  const reading = useRef(false);
  const again = useRef(false);
  const live = useRef(true);
  const ready = useRef(false);
  ready.current = state.kind === 'ready';
  const onChanged = useRef(changed);
  onChanged.current = changed;

  const refresh = useCallback(() => {
    if (reading.current) {
      again.current = true;
      return;
    }
    reading.current = true;
    again.current = false;
    invoke('mail.folders', {})
      .then(
        ({ folders }) => live.current && setState({ kind: 'ready', folders: sortFolders(folders) }),
        (error: unknown) => {
          const code = error instanceof ApiCallError ? error.code : 'INTERNAL';
          // Locked: the lock screen covers the screen; what is shown stays for after the sign-in.
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
    const offChanged = on('mail.changed', ({ folders }) => {
      refresh();
      onChanged.current(folders);
    });
    // Until folders are here, a status change (signed in, back online) may bring them; after
    // that `mail.changed` says when they move (status comes with every sync step: too often).
    const offStatus = on('mail.status', () => {
      if (!ready.current) refresh();
    });
    refresh();
    return () => {
      live.current = false;
      offChanged();
      offStatus();
    };
  }, [refresh]);

  return state;
}
