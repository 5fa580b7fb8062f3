import { useEffect, useState } from 'react';
import type { Status } from '../../../shared/api/index.js';
import { invoke, on } from '../api/client.js';

export type StatusView = { kind: 'loading' } | { kind: 'unavailable' } | { kind: 'ready'; status: Status };

/** Card, network and outbox state: read once, then kept current by `status.changed`. */
export function useStatus(): StatusView {
  const [view, setView] = useState<StatusView>({ kind: 'loading' });
  useEffect(() => {
    let live = true;
    let pushed = false;
    // Subscribe before reading, and let a pushed value win over a slower initial read.
    const off = on('status.changed', (status) => {
      pushed = true;
      if (live) setView({ kind: 'ready', status });
    });
    invoke('status.get', {}).then(
      (status) => live && !pushed && setView({ kind: 'ready', status }),
      () => live && !pushed && setView({ kind: 'unavailable' }),
    );
    return () => {
      live = false;
      off();
    };
  }, []);
  return view;
}
