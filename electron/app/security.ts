import { app, session, type Session, type WebContents } from 'electron';
import type { Logger } from '../policy/logger.js';
import { describeUrlForLog, isAllowedDownload, isAllowedRequest, isAppUrl } from './appOrigin.js';

/**
 * Defence in depth around every web contents the app will ever have (windows, DevTools, any
 * future child): nothing navigates away from `app://caducee`, nothing opens a window, no
 * <webview>, no permission, no device, no download but an attachment the user saves, and the
 * session loads nothing that is not the app's own files. Each refusal is logged with scheme and
 * host only (never a path or a query string: they may carry data).
 */
export interface SecurityOptions {
  readonly log: Logger;
  /** Unpackaged development runs only: lets DevTools load their own pages. */
  readonly allowDevTools: boolean;
}

const hardenedSessions = new WeakSet<Session>();
/** Sessions of the Pro Santé Connect sign-in window: it shows the provider's page under its own rules (pscWindow.ts). */
const delegatedSessions = new WeakSet<Session>();

/** Call before creating the window that uses `ses`: it then installs its own guards. */
export function delegateSessionPolicy(ses: Session): void {
  delegatedSessions.add(ses);
}

function hardenSession(ses: Session, { log, allowDevTools }: SecurityOptions): void {
  if (hardenedSessions.has(ses)) return;
  hardenedSessions.add(ses);

  // Deny every permission: camera, microphone, notifications, geolocation, clipboard-read,
  // HID/serial/USB, fullscreen requests, openExternal… The app needs none from the page.
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    log.warn('security.permission-denied', { permission, ...describeUrlForLog(details.requestingUrl) });
    callback(false);
  });
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);

  // Every request, whatever its scheme, goes through this verdict: only app:// files,
  // data: and the app's own blobs load; http(s), ws(s), file… are cancelled.
  ses.webRequest.onBeforeRequest({ urls: ['<all_urls>'] }, (details, callback) => {
    if (isAllowedRequest(details.url, { allowDevTools })) {
      callback({});
      return;
    }
    log.warn('security.request-blocked', { type: details.resourceType, ...describeUrlForLog(details.url) });
    callback({ cancel: true });
  });

  // Downloads: only an attachment the user saves (the app's own blob), through Electron's save
  // dialog; anything else the page or a link might start is refused.
  ses.on('will-download', (event, item) => {
    if (isAllowedDownload(item.getURL())) return;
    event.preventDefault();
    log.warn('security.download-blocked', describeUrlForLog(item.getURL()));
  });
}

function hardenContents(contents: WebContents, options: SecurityOptions): void {
  const { log } = options;
  if (delegatedSessions.has(contents.session)) return;
  hardenSession(contents.session, options);

  contents.on('will-navigate', (event) => {
    if (isAppUrl(event.url)) return;
    event.preventDefault();
    log.warn('security.navigation-blocked', describeUrlForLog(event.url));
  });
  // Subframes too (will-navigate only covers the main frame).
  contents.on('will-frame-navigate', (event) => {
    if (isAppUrl(event.url)) return;
    event.preventDefault();
    log.warn('security.frame-navigation-blocked', describeUrlForLog(event.url));
  });
  contents.on('will-redirect', (event) => {
    if (isAppUrl(event.url)) return;
    event.preventDefault();
    log.warn('security.redirect-blocked', describeUrlForLog(event.url));
  });
  // window.open, target=_blank, middle click: never a new window (and never shell.openExternal).
  contents.setWindowOpenHandler(({ url }) => {
    log.warn('security.window-open-denied', describeUrlForLog(url));
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log.warn('security.webview-blocked');
  });
}

/** Call once, when the app is ready and before the first window exists. */
export function installSecurityPolicy(options: SecurityOptions): void {
  hardenSession(session.defaultSession, options);
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, options));
}
