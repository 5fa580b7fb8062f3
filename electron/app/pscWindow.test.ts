import type { BrowserWindowConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { createPscClient } from '../psc/index.js';

/**
 * The Pro Santé Connect window against a recording stand-in for 'electron' (no binary on the
 * build machines): its preferences, the navigation and request rules, and the sign-in flow
 * (redirect caught and never loaded, close = cancel, abort, timeout).
 */
type Listener = (...args: unknown[]) => unknown;

const fake = vi.hoisted(() => {
  const emitter = () => {
    const listeners = new Map<string, Listener[]>();
    return {
      listeners,
      on(event: string, fn: Listener) {
        listeners.set(event, [...(listeners.get(event) ?? []), fn]);
        return this;
      },
      once(event: string, fn: Listener) {
        return this.on(event, fn);
      },
      emit(event: string, ...args: unknown[]) {
        for (const fn of listeners.get(event) ?? []) fn(...args);
      },
    };
  };
  const sessions = new Map<string, ReturnType<typeof makeSession>>();
  function makeSession(partition: string, options: unknown) {
    return {
      ...emitter(),
      partition,
      options,
      cleared: 0,
      permissionRequest: undefined as Listener | undefined,
      permissionCheck: undefined as Listener | undefined,
      devicePermission: undefined as Listener | undefined,
      beforeRequest: undefined as Listener | undefined,
      setPermissionRequestHandler(fn: Listener) {
        this.permissionRequest = fn;
      },
      setPermissionCheckHandler(fn: Listener) {
        this.permissionCheck = fn;
      },
      setDevicePermissionHandler(fn: Listener) {
        this.devicePermission = fn;
      },
      webRequest: {
        onBeforeRequest(_filter: unknown, fn: Listener) {
          const ses = sessions.get(partition);
          if (ses) ses.beforeRequest = fn;
        },
      },
      clearStorageData() {
        this.cleared += 1;
        return Promise.resolve();
      },
    };
  }
  const windows: FakeWindow[] = [];
  class FakeWindow {
    readonly events = emitter();
    readonly webContents = {
      ...emitter(),
      windowOpenHandler: undefined as Listener | undefined,
      setWindowOpenHandler(fn: Listener) {
        this.windowOpenHandler = fn;
      },
    };
    loaded: string | undefined;
    shown = false;
    destroyed = false;
    constructor(readonly options: BrowserWindowConstructorOptions) {
      windows.push(this);
    }
    once(event: string, fn: Listener) {
      this.events.once(event, fn);
      return this;
    }
    on(event: string, fn: Listener) {
      this.events.on(event, fn);
      return this;
    }
    loadURL(url: string) {
      this.loaded = url;
      return Promise.resolve();
    }
    show() {
      this.shown = true;
    }
    close() {
      if (this.destroyed) return;
      this.destroyed = true;
      this.events.emit('closed');
    }
    isDestroyed() {
      return this.destroyed;
    }
  }
  const electron = {
    BrowserWindow: FakeWindow,
    session: {
      fromPartition(partition: string, options: unknown) {
        const ses = makeSession(partition, options);
        sessions.set(partition, ses);
        return ses;
      },
    },
  };
  return { electron, windows, sessions };
});

vi.mock('electron', () => fake.electron);

const { chooseClientCertificate, createPscWindow, navigationVerdict, pscAuthWindow, requestVerdict } = await import('./pscWindow.js');

const ISSUER = 'https://auth.esw.esante.gouv.fr';
const WALLET = 'https://wallet.esw.esante.gouv.fr';
const client = createPscClient({ issuer: `${ISSUER}/auth/realms/esante-wallet`, clientId: 'caducee', redirectUri: 'fr.caducee.app:/psc/callback' });
const rules = { allowedOrigins: [WALLET, ISSUER], isRedirect: (url: string) => client.isRedirect(url) };
const AUTH_URL = `${WALLET}/auth?client_id=caducee&state=abc`;
const CALLBACK = 'fr.caducee.app:/psc/callback?code=xyz&state=abc';

class RecordingWindow {
  constructor(readonly options: BrowserWindowConstructorOptions) {}
}

function lastWindow() {
  const window = fake.windows.at(-1);
  if (!window) throw new Error('no window');
  return window;
}

function navigate(event: string, url: string, extra: Record<string, unknown> = {}): boolean {
  const e = { url, preventDefault: vi.fn(), ...extra };
  lastWindow().webContents.emit(event, e);
  return e.preventDefault.mock.calls.length > 0;
}

function open(signal = new AbortController().signal, timeoutMs?: number) {
  const openWindow = pscAuthWindow(() => ({ parent: undefined, log: undefined }), timeoutMs);
  const outcome = openWindow(AUTH_URL, rules.isRedirect, { allowedOrigins: rules.allowedOrigins, signal });
  const settled = outcome.then(
    (url) => ({ url }),
    (error: Error) => ({ error: error.message }),
  );
  return { settled };
}

describe('createPscWindow', () => {
  it('builds a sandboxed window with no preload, no DevTools and the given in-memory partition', () => {
    const { options } = createPscWindow(RecordingWindow, { partition: 'psc-auth-1' });
    const prefs = options.webPreferences ?? {};
    expect(prefs).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
      partition: 'psc-auth-1',
    });
    expect(prefs).not.toHaveProperty('preload');
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(options.show).toBe(false);
  });
});

describe('navigation and request rules', () => {
  it('recognises the redirect back, allows the provider’s origins only', () => {
    expect(navigationVerdict(CALLBACK, rules)).toBe('callback');
    expect(navigationVerdict('fr.caducee.app:/psc/callback?error=access_denied&state=abc', rules)).toBe('callback');
    expect(navigationVerdict(AUTH_URL, rules)).toBe('allow');
    expect(navigationVerdict(`${ISSUER}/auth/realms/esante-wallet/login-actions`, rules)).toBe('allow');
    expect(navigationVerdict('https://evil.example/phish', rules)).toBe('block');
    expect(navigationVerdict('http://auth.esw.esante.gouv.fr/', rules)).toBe('block');
    expect(navigationVerdict('fr.caducee.app:/other', rules)).toBe('block');
    expect(navigationVerdict('file:///etc/passwd', rules)).toBe('block');
    expect(navigationVerdict('javascript:alert(1)', rules)).toBe('block');
    expect(navigationVerdict('not a url', rules)).toBe('block');
  });

  it('lets the page load its https resources, never files, plain http or the app', () => {
    expect(requestVerdict('https://cdn.esante.gouv.fr/app.js', 'script', rules)).toBe('allow');
    expect(requestVerdict('http://cdn.example/app.js', 'script', rules)).toBe('block');
    expect(requestVerdict('file:///etc/passwd', 'xhr', rules)).toBe('block');
    expect(requestVerdict('app://caducee/index.html', 'xhr', rules)).toBe('block');
    expect(requestVerdict('https://evil.example/', 'mainFrame', rules)).toBe('block');
    expect(requestVerdict('https://evil.example/', 'subFrame', rules)).toBe('block');
    expect(requestVerdict(CALLBACK, 'mainFrame', rules)).toBe('callback');
    expect(requestVerdict(CALLBACK, 'image', rules)).toBe('block');
  });

  it('allows plain http on 127.0.0.1 only for a provider that is itself there (tests)', () => {
    const local = { allowedOrigins: ['http://127.0.0.1:4000'], isRedirect: () => false };
    expect(navigationVerdict('http://127.0.0.1:4000/interaction/1', local)).toBe('allow');
    expect(requestVerdict('http://127.0.0.1:4000/x.css', 'stylesheet', local)).toBe('allow');
    expect(requestVerdict('http://127.0.0.1:5219/bridge', 'xhr', local)).toBe('block');
  });
});

describe('pscAuthWindow', () => {
  it('loads the authorization URL in a fresh partition, catches the redirect without loading it, and closes', async () => {
    const { settled } = open();
    const window = lastWindow();
    expect(window.loaded).toBe(AUTH_URL);
    const partition = window.options.webPreferences?.partition ?? '';
    expect(partition).toMatch(/^psc-auth-[0-9a-f-]{36}$/);
    const ses = fake.sessions.get(partition);
    expect(ses?.options).toEqual({ cache: false });
    window.events.emit('ready-to-show');
    expect(window.shown).toBe(true);

    // Inside the provider: allowed. Elsewhere: stopped.
    expect(navigate('will-navigate', `${ISSUER}/auth/realms/esante-wallet/login`)).toBe(false);
    expect(navigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(navigate('will-frame-navigate', 'https://evil.example/frame', { isMainFrame: false })).toBe(true);
    expect(window.webContents.windowOpenHandler?.({ url: `${ISSUER}/popup` })).toEqual({ action: 'deny' });

    // Nothing is granted to the page.
    const callback = vi.fn();
    ses?.permissionRequest?.({}, 'media', callback, {});
    expect(callback).toHaveBeenCalledWith(false);
    expect(ses?.permissionCheck?.()).toBe(false);
    const download = { preventDefault: vi.fn() };
    ses?.emit('will-download', download, {});
    expect(download.preventDefault).toHaveBeenCalled();

    // The provider's redirect back: stopped before any request, handed over, window closed.
    expect(navigate('will-redirect', CALLBACK)).toBe(true);
    expect(await settled).toEqual({ url: CALLBACK });
    expect(window.destroyed).toBe(true);
    expect(ses?.cleared).toBe(1);
  });

  it('offers the signed-in card’s certificate to a client-certificate prompt, and nothing else', async () => {
    const card = { serialHex: '0A1B2C', issuerCn: 'TEST AC IGC-SANTE ELEMENTAIRE' };
    const openWindow = pscAuthWindow(() => ({ parent: undefined, log: undefined }));
    const outcome = openWindow(AUTH_URL, rules.isRedirect, { allowedOrigins: rules.allowedOrigins, signal: new AbortController().signal, cardCertificate: card });
    const offered = [
      { serialNumber: '0a1b2c', issuer: { commonName: 'AUTRE AC' } },
      { serialNumber: '0a1b2c', issuer: { commonName: card.issuerCn } },
    ];
    const event = { preventDefault: vi.fn() };
    const callback = vi.fn();
    lastWindow().webContents.emit('select-client-certificate', event, AUTH_URL, offered, callback);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(callback).toHaveBeenCalledWith(offered[1]);
    // Not among them: no certificate at all (never the first one the OS lists).
    const none = vi.fn();
    lastWindow().webContents.emit('select-client-certificate', { preventDefault: vi.fn() }, AUTH_URL, [offered[0]], none);
    expect(none).toHaveBeenCalledWith();
    expect(navigate('will-redirect', CALLBACK)).toBe(true);
    expect(await outcome).toBe(CALLBACK);
  });

  it('matches a certificate by serial (any case, separators or leading zeros) and issuer', () => {
    const card = { serialHex: '00ab:cd', issuerCn: 'AC' };
    expect(chooseClientCertificate([{ serialNumber: 'ABCD', issuer: { commonName: 'AC' } }], card)).toBeDefined();
    expect(chooseClientCertificate([{ serialNumber: 'ABCE', issuer: { commonName: 'AC' } }], card)).toBeUndefined();
    expect(chooseClientCertificate([{ serialNumber: 'ABCD', issuer: { commonName: 'AC' } }], undefined)).toBeUndefined();
  });

  it('catches a loopback redirect URI in the request filter as well', async () => {
    const loopback = createPscClient({ issuer: ISSUER, clientId: 'caducee', redirectUri: 'http://127.0.0.1:53123/psc/callback' });
    const openWindow = pscAuthWindow(() => ({ parent: undefined, log: undefined }));
    const outcome = openWindow(AUTH_URL, (url) => loopback.isRedirect(url), { allowedOrigins: rules.allowedOrigins, signal: new AbortController().signal });
    const ses = fake.sessions.get(lastWindow().options.webPreferences?.partition ?? '');
    const cb = vi.fn();
    ses?.beforeRequest?.({ url: 'http://127.0.0.1:53123/psc/callback?code=1&state=abc', resourceType: 'mainFrame' }, cb);
    expect(cb).toHaveBeenCalledWith({ cancel: true });
    expect(await outcome).toBe('http://127.0.0.1:53123/psc/callback?code=1&state=abc');
  });

  it('takes a closed window for a cancel', async () => {
    const { settled } = open();
    lastWindow().close();
    expect(await settled).toEqual({ error: 'sign-in window closed' });
  });

  it('closes the window when the host aborts (cancel, card locked)', async () => {
    const abort = new AbortController();
    const { settled } = open(abort.signal);
    const window = lastWindow();
    abort.abort();
    expect(await settled).toEqual({ error: 'sign-in cancelled' });
    expect(window.destroyed).toBe(true);
  });

  it('gives up after its time limit', async () => {
    const { settled } = open(new AbortController().signal, 20);
    const window = lastWindow();
    expect(await settled).toEqual({ error: 'sign-in window timed out' });
    expect(window.destroyed).toBe(true);
  });

  it('refuses to open an authorization URL outside the provider’s origins', async () => {
    const before = fake.windows.length;
    const openWindow = pscAuthWindow(() => ({ parent: undefined, log: undefined }));
    await expect(
      openWindow('https://evil.example/auth', rules.isRedirect, { allowedOrigins: rules.allowedOrigins, signal: new AbortController().signal }),
    ).rejects.toThrow(/outside the provider/);
    expect(fake.windows.length).toBe(before);
  });
});
