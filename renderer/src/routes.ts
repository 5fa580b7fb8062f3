/**
 * The screens and their address in the URL fragment (`#/patients`). The fragment keeps the
 * current screen across a reload. Anything that is not `#/<known id>` — an empty fragment,
 * or the web host's `#token=…` if it is ever still there — means the home screen, and we
 * never rewrite such a fragment ourselves: the api client owns the token.
 */
export const screenIds = ['messagerie', 'patients', 'dmp', 'outbox', 'settings'] as const;
export type ScreenId = (typeof screenIds)[number];

/**
 * Hidden test hook: `#/__crash` renders a component that throws, so the end-to-end suite can
 * exercise the error boundary. It has no nav entry and throws only on that route.
 */
export const CRASH_TEST_ROUTE = '__crash';
export type Route = ScreenId | typeof CRASH_TEST_ROUTE;

export const HOME: ScreenId = 'messagerie';

export function isScreenId(value: string): value is ScreenId {
  return (screenIds as readonly string[]).includes(value);
}

export function routeFromHash(hash: string): Route {
  const match = /^#\/([A-Za-z_]+)$/.exec(hash);
  const id = match?.[1];
  if (id === undefined) return HOME;
  if (id === CRASH_TEST_ROUTE) return CRASH_TEST_ROUTE;
  return isScreenId(id) ? id : HOME;
}

export function hashOf(route: Route): string {
  return `#/${route}`;
}
