import { useCallback, useSyncExternalStore } from 'react';
import { hashOf, routeFromHash, type Route } from '../routes.js';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

const readHash = (): string => window.location.hash;

/** The current route, from the URL fragment, so a reload (and back/forward) keep the screen. */
export function useHashRoute(): { route: Route; navigate: (route: Route) => void } {
  const hash = useSyncExternalStore(subscribe, readHash);
  const navigate = useCallback((route: Route) => {
    window.location.hash = hashOf(route);
  }, []);
  return { route: routeFromHash(hash), navigate };
}
