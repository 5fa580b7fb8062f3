/**
 * The app's own origin and the URL decisions the shell makes about it. Pure: no 'electron'
 * import, so the rules are unit-tested in plain Node (appOrigin.test.ts).
 *
 * The renderer is served from a privileged custom scheme, `app://caducee/…`, never from
 * `file://` (which would grant the page the whole disk as its origin) nor from a local server.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'caducee';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * The origin of a document URL, as the router compares it with `trustedOrigins`.
 * Node's WHATWG `URL` gives `"null"` as the origin of any non-special scheme, `app:` included,
 * so `new URL(frame.url).origin` would refuse every call from our own page: the app scheme is
 * serialised here as Chromium does for a registered standard scheme (`app://caducee`).
 */
export function originOf(url: string): string {
  const parsed = parse(url);
  if (!parsed) return 'null';
  if (parsed.protocol === `${APP_SCHEME}:`) {
    return parsed.host === '' ? 'null' : `${APP_SCHEME}://${parsed.host}`;
  }
  return parsed.origin;
}

/** True for a URL of the app's own documents and files (`app://caducee/…`, no port, no user). */
export function isAppUrl(url: string): boolean {
  const parsed = parse(url);
  return (
    parsed !== null &&
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.host === APP_HOST &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/**
 * Whether the session may load this URL at all. Only the app's files; `data:` (inline images
 * allowed by the CSP) and blobs the app itself minted. Everything else — http(s), ws(s), file,
 * ftp, another custom scheme — is cancelled: the window never loads remote content. DevTools'
 * own pages are allowed only when DevTools are (unpackaged development runs).
 */
export function isAllowedRequest(url: string, options: { readonly allowDevTools?: boolean } = {}): boolean {
  if (isAppUrl(url)) return true;
  if (url.startsWith('data:')) return true;
  if (url.startsWith(`blob:${APP_ORIGIN}/`)) return true;
  if (options.allowDevTools === true && (url.startsWith('devtools:') || url.startsWith('chrome-extension:'))) return true;
  return false;
}

/**
 * What a log line may say about a refused URL: scheme and host only. Paths and query strings
 * may carry data (a patient's name in a search, a token), so they never reach the log.
 */
/**
 * What the page may offer to save: only a blob the app itself minted (an attachment the user
 * chose to keep, already in memory). Electron then asks where with its save dialog; nothing is
 * written without the user choosing the place.
 */
export function isAllowedDownload(url: string): boolean {
  return url.startsWith(`blob:${APP_ORIGIN}/`);
}

export function describeUrlForLog(url: string): { scheme: string; host: string } {
  const parsed = parse(url);
  if (!parsed) return { scheme: 'invalid', host: '' };
  const scheme = parsed.protocol.replace(/:$/, '');
  // data: and blob: URLs carry their content (or an origin) where the host would be.
  if (scheme === 'data' || scheme === 'blob' || scheme === 'javascript') return { scheme, host: '' };
  return { scheme, host: parsed.host };
}
