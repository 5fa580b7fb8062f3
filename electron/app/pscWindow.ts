import crypto from 'node:crypto';
import { BrowserWindow, session, type BrowserWindowConstructorOptions, type Session } from 'electron';
import type { OpenAuthWindow } from '../host/pscSession.js';
import type { Logger } from '../policy/logger.js';
import { describeUrlForLog } from './appOrigin.js';
import { delegateSessionPolicy } from './security.js';

/**
 * The Pro Santé Connect sign-in window (ARCHITECTURE.md §3: PSC's page authenticates the card
 * or the e-CPS through Chromium's network stack, so it runs in an app window, not in Node).
 *
 * It shows a remote page, so it is nothing like the app's window: no preload, no bridge, its
 * own in-memory session (a fresh partition per sign-in: no cookie or cache reaches the disk or
 * the next sign-in), navigation limited to the provider's origins, no new window, no permission,
 * no download. The redirect back to the app (`fr.caducee.app:/psc/callback?code=…`) is caught in
 * `will-redirect` / `will-navigate` (and in the request filter for a loopback redirect URI)
 * and never loaded: its URL is handed to the PSC client and the window closes. Closing the
 * window is cancelling.
 */
export type WindowConstructor<W> = new (options: BrowserWindowConstructorOptions) => W;

/** The user may need time to find the card or the e-CPS phone; not forever. */
export const PSC_WINDOW_TIMEOUT_MS = 10 * 60_000;

export function createPscWindow<W>(BrowserWindowClass: WindowConstructor<W>, options: { partition: string; parent?: BrowserWindow | undefined }): W {
  return new BrowserWindowClass({
    width: 560,
    height: 760,
    title: 'Connexion Pro Santé Connect',
    show: false,
    backgroundColor: '#ffffff',
    autoHideMenuBar: true,
    ...(options.parent ? { parent: options.parent } : {}),
    webPreferences: {
      // A remote page: sandboxed, isolated, no Node, no preload (it gets no bridge at all).
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      disableBlinkFeatures: 'Auxclick',
      webviewTag: false,
      enableWebSQL: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      devTools: false,
      // No `persist:` prefix: the session lives in memory and goes with the app.
      partition: options.partition,
    },
  });
}

export type NavigationVerdict = 'callback' | 'allow' | 'block';

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** What to do with a navigation of the sign-in window (main frame). */
export function navigationVerdict(url: string, rules: { allowedOrigins: readonly string[]; isRedirect: (url: string) => boolean }): NavigationVerdict {
  if (rules.isRedirect(url)) return 'callback';
  const parsed = parse(url);
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) return 'block';
  return rules.allowedOrigins.includes(parsed.origin) ? 'allow' : 'block';
}

/**
 * What the sign-in window's session may request: the page's own resources over https (http only
 * where the provider itself is on http://127.0.0.1, in tests), data: and blob:. A request to the
 * redirect URI is the callback (loopback redirect URIs would otherwise really be requested).
 */
export function requestVerdict(
  url: string,
  resourceType: string,
  rules: { allowedOrigins: readonly string[]; isRedirect: (url: string) => boolean },
): NavigationVerdict {
  if (rules.isRedirect(url)) return resourceType === 'mainFrame' ? 'callback' : 'block';
  if (resourceType === 'mainFrame' || resourceType === 'subFrame') return navigationVerdict(url, rules);
  const parsed = parse(url);
  if (!parsed) return 'block';
  if (parsed.protocol === 'https:' || parsed.protocol === 'wss:' || parsed.protocol === 'data:' || parsed.protocol === 'blob:') return 'allow';
  if (parsed.protocol === 'http:' && parsed.hostname === '127.0.0.1') return rules.allowedOrigins.includes(parsed.origin) ? 'allow' : 'block';
  return 'block';
}

/** What Electron tells of a certificate the OS offers for a client-certificate prompt. */
export interface OfferedCertificate {
  readonly serialNumber: string;
  readonly issuer: { readonly commonName: string };
}

const serialKey = (hex: string) => hex.toLowerCase().replace(/[^0-9a-f]/g, '').replace(/^0+/, '');

/**
 * PSC's page may ask for a client certificate (CPS on the card, through the OS). Chromium's
 * default takes the first one the OS lists: with several certificates on the workstation that
 * could be someone else's, or a software one. The signed-in card's authentication certificate is
 * the only one offered (by serial and issuer); none when it is not among them, so the page falls
 * back to its other means (e-CPS).
 */
export function chooseClientCertificate<C extends OfferedCertificate>(offered: readonly C[], card: { readonly serialHex: string; readonly issuerCn: string } | undefined): C | undefined {
  if (card === undefined) return undefined;
  const serial = serialKey(card.serialHex);
  return offered.find((c) => serialKey(c.serialNumber) === serial && c.issuer.commonName === card.issuerCn);
}

function hardenAuthSession(ses: Session, rules: Parameters<typeof requestVerdict>[2], onCallback: (url: string) => void, log: Logger | undefined): void {
  delegateSessionPolicy(ses);
  // A client certificate (the CPS card) is chosen by `chooseClientCertificate`; nothing else is granted.
  ses.setPermissionRequestHandler((_contents, permission, callback) => {
    log?.warn('psc-window.permission-denied', { permission });
    callback(false);
  });
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.on('will-download', (event) => {
    event.preventDefault();
    log?.warn('psc-window.download-blocked');
  });
  ses.webRequest.onBeforeRequest({ urls: ['<all_urls>'] }, (details, callback) => {
    const verdict = requestVerdict(details.url, details.resourceType, rules);
    if (verdict === 'allow') {
      callback({});
      return;
    }
    callback({ cancel: true });
    if (verdict === 'callback') onCallback(details.url);
    else log?.warn('psc-window.request-blocked', { type: details.resourceType, ...describeUrlForLog(details.url) });
  });
}

export interface PscWindowContext {
  readonly parent: BrowserWindow | undefined;
  readonly log: Logger | undefined;
}

/**
 * The `openAuthWindow` of the host (HostDeps): opens the window, resolves with the callback URL,
 * rejects when the user closes it, on `signal`, or after PSC_WINDOW_TIMEOUT_MS.
 */
export function pscAuthWindow(context: () => PscWindowContext, timeoutMs = PSC_WINDOW_TIMEOUT_MS): OpenAuthWindow {
  return (authorizationUrl, isRedirect, { allowedOrigins, signal, cardCertificate }) =>
    new Promise<string>((resolve, reject) => {
      const { parent, log } = context();
      const rules = { allowedOrigins, isRedirect };
      if (navigationVerdict(authorizationUrl, rules) !== 'allow') {
        reject(new Error('authorization URL outside the provider origins'));
        return;
      }
      let settled = false;
      // Set once the window exists: an abort may come before.
      const opened: { window?: BrowserWindow } = {};
      const partition = `psc-auth-${crypto.randomUUID()}`;
      const ses = session.fromPartition(partition, { cache: false });

      const settle = (outcome: { url: string } | { error: Error }): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if ('url' in outcome) resolve(outcome.url);
        else reject(outcome.error);
        if (opened.window && !opened.window.isDestroyed()) opened.window.close();
        void ses.clearStorageData().catch(() => undefined);
      };
      const onCallback = (url: string): void => {
        log?.info('psc-window.callback');
        settle({ url });
      };
      const onAbort = (): void => settle({ error: new Error('sign-in cancelled') });
      const timer = setTimeout(() => settle({ error: new Error('sign-in window timed out') }), timeoutMs);
      signal.addEventListener('abort', onAbort);
      if (signal.aborted) {
        onAbort();
        return;
      }

      hardenAuthSession(ses, rules, onCallback, log);
      const window = createPscWindow(BrowserWindow, { partition, parent });
      opened.window = window;
      const contents = window.webContents;
      const guard = (kind: string) => (event: { url: string; preventDefault(): void }) => {
        const verdict = navigationVerdict(event.url, rules);
        if (verdict === 'allow') return;
        event.preventDefault(); // the redirect back is never loaded
        if (verdict === 'callback') onCallback(event.url);
        else log?.warn('psc-window.navigation-blocked', { kind, ...describeUrlForLog(event.url) });
      };
      contents.on('will-navigate', guard('navigate'));
      contents.on('will-redirect', guard('redirect'));
      contents.on('will-frame-navigate', (event) => {
        if (event.isMainFrame) return; // will-navigate / will-redirect decide for the main frame
        if (navigationVerdict(event.url, rules) === 'allow') return;
        event.preventDefault();
        log?.warn('psc-window.frame-navigation-blocked', describeUrlForLog(event.url));
      });
      contents.setWindowOpenHandler(({ url }) => {
        log?.warn('psc-window.window-open-denied', describeUrlForLog(url));
        return { action: 'deny' };
      });
      contents.on('will-attach-webview', (event) => event.preventDefault());
      contents.on('select-client-certificate', (event, _url, offered, callback) => {
        event.preventDefault();
        const chosen = chooseClientCertificate(offered, cardCertificate);
        log?.info('psc-window.client-certificate', { offered: offered.length, chosen: chosen ? 'card' : 'none' });
        // No argument = no certificate (Electron documents it optional; its typings do not).
        if (chosen) callback(chosen);
        else (callback as (certificate?: unknown) => void)();
      });
      window.once('ready-to-show', () => window.show());
      window.on('closed', () => settle({ error: new Error('sign-in window closed') }));
      window.loadURL(authorizationUrl).catch((error: unknown) => {
        // Aborted loads are expected: the redirect back is stopped on purpose.
        if (!settled) log?.warn('psc-window.load-failed', { error: error instanceof Error ? error.name : 'unknown' });
      });
    });
}
