import { useEffect, useState } from 'react';
import type { CardView } from '../../../shared/api/index.js';
import { invoke, on } from '../api/client.js';

export type CardState = { kind: 'loading' } | { kind: 'unavailable' } | { kind: 'ready'; view: CardView };

/**
 * The CPS card as main sees it: read once, then kept current by `card.changed` (pushed, so the
 * lock screen comes back as soon as the watcher sees the card leave). A pushed value wins over
 * a slower first read, as in useStatus.
 */
export function useCard(): CardState {
  const [state, setState] = useState<CardState>({ kind: 'loading' });
  useEffect(() => {
    let live = true;
    let pushed = false;
    const off = on('card.changed', (view) => {
      pushed = true;
      if (live) setState({ kind: 'ready', view });
    });
    invoke('card.getState', {}).then(
      (view) => live && !pushed && setState({ kind: 'ready', view }),
      () => live && !pushed && setState({ kind: 'unavailable' }),
    );
    return () => {
      live = false;
      off();
    };
  }, []);
  return state;
}

export function isSignedIn(state: CardState): state is { kind: 'ready'; view: Extract<CardView, { state: 'signed-in' }> } {
  return state.kind === 'ready' && state.view.state === 'signed-in';
}
