import { useCallback, useEffect, useRef, useState } from 'react';
import type { DirectoryStatusView } from '../../../shared/api/index.js';
import { ApiCallError, invoke, on } from '../api/client.js';

export type DirectoryStatusState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'failed'; readonly code: ApiCallError['code'] }
  | { readonly kind: 'ready'; readonly status: DirectoryStatusView };

/**
 * The directory's status: read once, then kept from `directory.changed` (each event carries the
 * whole status, at most four a second while an import runs). LOCKED keeps what is shown: the
 * lock screen covers it.
 */
export function useDirectoryStatus(): { readonly state: DirectoryStatusState; readonly refresh: () => void } {
  const [state, setState] = useState<DirectoryStatusState>({ kind: 'loading' });
  const live = useRef(true);

  const refresh = useCallback(() => {
    invoke('directory.status', {}).then(
      (status) => live.current && setState({ kind: 'ready', status }),
      (error: unknown) => {
        const code = error instanceof ApiCallError ? error.code : 'INTERNAL';
        if (live.current && code !== 'LOCKED') setState({ kind: 'failed', code });
      },
    );
  }, []);

  useEffect(() => {
    live.current = true;
    const off = on('directory.changed', (status) => setState({ kind: 'ready', status }));
    refresh();
    return () => {
      live.current = false;
      off();
    };
  }, [refresh]);

  return { state, refresh };
}
