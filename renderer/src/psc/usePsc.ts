import { useCallback, useEffect, useState } from 'react';
import type { PscStatusView } from '../../../shared/api/index.js';
import { ApiCallError, invoke, on } from '../api/client.js';

export type PscState = { kind: 'loading' } | { kind: 'unavailable' } | { kind: 'ready'; status: PscStatusView };

/**
 * Pro Santé Connect as main sees it: read once, then kept current by `psc.changed` (a pushed
 * value wins over a slower first read, as in useStatus).
 */
export function usePscStatus(): PscState {
  const [state, setState] = useState<PscState>({ kind: 'loading' });
  useEffect(() => {
    let live = true;
    let pushed = false;
    const off = on('psc.changed', (status) => {
      pushed = true;
      if (live) setState({ kind: 'ready', status });
    });
    invoke('psc.status', {}).then(
      (status) => live && !pushed && setState({ kind: 'ready', status }),
      () => live && !pushed && setState({ kind: 'unavailable' }),
    );
    return () => {
      live = false;
      off();
    };
  }, []);
  return state;
}

export type SignInOutcome =
  /** Electron: main opened its own window (`openUrl` null); web host: the page asked the browser for one. */
  | { kind: 'started'; openUrl: string | null }
  | { kind: 'error'; code: ApiCallError['code'] };

/**
 * Starts a sign-in. In the web host, PSC's page opens in a new window that has no access to
 * this one (`noopener`): the provider sends that window back to the host, which completes the
 * sign-in and pushes `psc.changed`.
 */
export async function startPscSignIn(): Promise<SignInOutcome> {
  try {
    const { openUrl } = await invoke('psc.signIn', {});
    // With noopener, window.open answers null even when it did open, so a popup blocker cannot
    // be told apart: the panel offers the address as a link while the sign-in waits.
    if (openUrl !== null) window.open(openUrl, '_blank', 'noopener,noreferrer');
    return { kind: 'started', openUrl };
  } catch (error) {
    return { kind: 'error', code: error instanceof ApiCallError ? error.code : 'INTERNAL' };
  }
}

/** The sign-in action and its outcome, for a button. */
export function usePscSignIn(): { outcome: SignInOutcome | null; busy: boolean; signIn: () => void } {
  const [outcome, setOutcome] = useState<SignInOutcome | null>(null);
  const [busy, setBusy] = useState(false);
  const signIn = useCallback(() => {
    setBusy(true);
    setOutcome(null);
    void startPscSignIn().then((result) => {
      setOutcome(result);
      setBusy(false);
    });
  }, []);
  return { outcome, busy, signIn };
}
