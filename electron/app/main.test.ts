import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

/**
 * The Electron shell wired end to end against a recording stand-in for the 'electron' module
 * (no Electron binary on the build machines): lifecycle order, window preferences, app://
 * protocol, IPC through the real router and host, session and navigation guards, shutdown.
 */
type Listener = (...args: unknown[]) => unknown;

const fake = vi.hoisted(() => {
  const calls: string[] = [];
  const appListeners = new Map<string, Listener[]>();
  let readyResolve: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    readyResolve = resolve;
  });
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
  const session = {
    ...emitter(),
    permissionRequest: undefined as Listener | undefined,
    permissionCheck: undefined as Listener | undefined,
    devicePermission: undefined as Listener | undefined,
    beforeRequest: undefined as Listener | undefined,
    beforeRequestFilter: undefined as unknown,
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
      onBeforeRequest(filter: unknown, fn: Listener) {
        session.beforeRequestFilter = filter;
        session.beforeRequest = fn;
      },
    },
  };
  const mainFrame = { url: '', processId: 7, routingId: 1, parent: null, detached: false, isDestroyed: () => false };
  const windows: FakeWindow[] = [];
  class FakeWindow {
    readonly events = emitter();
    readonly webContents = {
      ...emitter(),
      session,
      mainFrame,
      sent: [] as unknown[][],
      windowOpenHandler: undefined as Listener | undefined,
      setWindowOpenHandler(fn: Listener) {
        this.windowOpenHandler = fn;
      },
      getURL: () => mainFrame.url,
      isDestroyed: () => false,
      send(...args: unknown[]) {
        this.sent.push(args);
      },
    };
    loaded: string | undefined;
    shown = false;
    constructor(readonly options: Record<string, unknown>) {
      calls.push('new BrowserWindow');
      windows.push(this);
      for (const fn of appListeners.get('web-contents-created') ?? []) fn({}, this.webContents);
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
      mainFrame.url = url;
      return Promise.resolve();
    }
    show() {
      this.shown = true;
    }
    focus() {}
    restore() {}
    isMinimized() {
      return false;
    }
    isDestroyed() {
      return false;
    }
    static getAllWindows() {
      return windows;
    }
  }
  const exits: number[] = [];
  const ipcHandlers = new Map<string, Listener>();
  const electron = {
    app: {
      isPackaged: false,
      requestSingleInstanceLock: () => (calls.push('requestSingleInstanceLock'), true),
      enableSandbox: () => calls.push('enableSandbox'),
      whenReady: () => ready,
      on(event: string, fn: Listener) {
        appListeners.set(event, [...(appListeners.get(event) ?? []), fn]);
      },
      getPath: (name: string) => (name === 'userData' ? fake.userData : '/nonexistent'),
      getVersion: () => '9.8.7',
      getAppPath: () => fake.appPath,
      quit: () => calls.push('quit'),
      exit: (code: number) => exits.push(code),
    },
    protocol: {
      privileged: [] as unknown[],
      handler: undefined as Listener | undefined,
      registerSchemesAsPrivileged(schemes: unknown[]) {
        calls.push('registerSchemesAsPrivileged');
        this.privileged.push(...schemes);
      },
      handle(scheme: string, fn: Listener) {
        calls.push(`protocol.handle ${scheme}`);
        this.handler = fn;
      },
    },
    session: { defaultSession: session },
    BrowserWindow: FakeWindow,
    ipcMain: {
      handle: (channel: string, fn: Listener) => ipcHandlers.set(channel, fn),
      removeHandler: (channel: string) => ipcHandlers.delete(channel),
    },
    dialog: { showErrorBox: (title: string, message: string) => calls.push(`showErrorBox ${title}: ${message}`) },
    // No OS keyring on a build machine: the vault key is then protected by the card wrap alone.
    safeStorage: { isEncryptionAvailable: () => false },
    Menu: {
      buildFromTemplate: (template: unknown) => template,
      setApplicationMenu: (menu: unknown) => {
        fake.menu = menu;
      },
    },
  };
  return {
    electron,
    calls,
    appListeners,
    readyResolve,
    windows,
    session,
    mainFrame,
    exits,
    ipcHandlers,
    userData: '',
    appPath: '',
    menu: undefined as unknown,
  };
});

vi.mock('electron', () => fake.electron);

function appEmit(event: string, ...args: unknown[]): void {
  for (const fn of fake.appListeners.get(event) ?? []) fn(...args);
}

function invoke(payload: unknown, frame: unknown = fake.mainFrame) {
  const handler = fake.ipcHandlers.get('caducee:invoke');
  if (!handler) throw new Error('no invoke handler');
  return handler({ senderFrame: frame, sender: fake.windows[0]?.webContents }, payload) as Promise<{ ok: boolean; value?: unknown; error?: { code: string } }>;
}

const envMode = process.env['CADUCEE_MODE'];

beforeAll(async () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-main-'));
  fake.userData = path.join(base, 'userData');
  fake.appPath = path.join(base, 'app');
  fs.mkdirSync(path.join(fake.appPath, 'dist', 'renderer'), { recursive: true });
  fs.writeFileSync(path.join(fake.appPath, 'dist', 'renderer', 'index.html'), '<!doctype html><title>Caducée</title>');
  delete process.env['CADUCEE_MODE'];
  await import('./main.js');
  expect(fake.calls).toEqual(['requestSingleInstanceLock', 'enableSandbox', 'registerSchemesAsPrivileged']);
  fake.readyResolve();
  await vi.waitFor(() => expect(fake.windows).toHaveLength(1));
});

afterAll(() => {
  if (envMode !== undefined) process.env['CADUCEE_MODE'] = envMode;
  fs.rmSync(path.dirname(fake.userData), { recursive: true, force: true });
});

describe('Electron shell', () => {
  it('registers app:// as a privileged standard, secure scheme before ready', () => {
    expect(fake.electron.protocol.privileged).toEqual([
      expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true, bypassCSP: false }) }),
    ]);
  });

  it('opens one hidden, sandboxed window on app://caducee and shows it when painted', () => {
    const [window] = fake.windows;
    expect(window?.loaded).toBe('app://caducee/index.html');
    expect(window?.options).toMatchObject({ show: false, webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false } });
    expect((window?.options['webPreferences'] as { preload: string }).preload).toBe(path.join(fake.appPath, 'dist', 'preload', 'preload.cjs'));
    window?.events.emit('ready-to-show');
    expect(window?.shown).toBe(true);
  });

  it('serves the renderer on app://caducee with the CSP', async () => {
    const handler = fake.electron.protocol.handler;
    const res = (await handler?.({ method: 'GET', url: 'app://caducee/index.html' })) as Response;
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("connect-src 'none'");
    expect(await res.text()).toContain('Caducée');
  });

  it('answers bridge calls from the app document, in demo mode by default', async () => {
    const result = await invoke({ method: 'app.getInfo', input: {} });
    expect(result).toMatchObject({ ok: true, value: { hostKind: 'electron', mode: 'demo', version: '9.8.7' } });
  });

  it('refuses calls from an iframe, a foreign origin, and malformed payloads', async () => {
    const child = { ...fake.mainFrame, routingId: 2, parent: fake.mainFrame };
    expect(await invoke({ method: 'app.getInfo', input: {} }, child)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    expect(await invoke({ method: 'app.getInfo', input: {} }, null)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    const foreign = { ...fake.mainFrame, url: 'https://evil.example/' };
    expect(await invoke({ method: 'app.getInfo', input: {} }, foreign)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    expect(await invoke('app.getInfo')).toMatchObject({ ok: false });
  });

  it('forwards host events to the app window', async () => {
    const result = await invoke({ method: 'settings.get', input: {} });
    expect(result.ok).toBe(true);
    const sent = fake.windows[0]?.webContents.sent ?? [];
    await invoke({ method: 'settings.update', input: {} });
    expect(sent.some(([channel, message]) => channel === 'caducee:event' && (message as { event: string }).event === 'settings.changed')).toBe(
      true,
    );
  });

  it('denies navigation away, new windows and webviews', () => {
    const contents = fake.windows[0]!.webContents;
    const navigate = (event: string, url: string) => {
      const e = { url, preventDefault: vi.fn() };
      contents.emit(event, e);
      return e.preventDefault.mock.calls.length > 0;
    };
    expect(navigate('will-navigate', 'https://evil.example/?ins=123')).toBe(true);
    expect(navigate('will-frame-navigate', 'file:///etc/passwd')).toBe(true);
    expect(navigate('will-redirect', 'http://127.0.0.1/')).toBe(true);
    expect(navigate('will-navigate', 'app://caducee/index.html')).toBe(false);
    expect(contents.windowOpenHandler?.({ url: 'https://example.org/' })).toEqual({ action: 'deny' });
    const attach = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', attach);
    expect(attach.preventDefault).toHaveBeenCalled();
  });

  it('denies every permission and loads nothing but the app', () => {
    const { session } = fake;
    const callback = vi.fn();
    session.permissionRequest?.({}, 'media', callback, { requestingUrl: 'app://caducee/index.html' });
    expect(callback).toHaveBeenCalledWith(false);
    expect(session.permissionCheck?.({}, 'clipboard-read', 'app://caducee')).toBe(false);
    expect(session.devicePermission?.({})).toBe(false);
    expect(session.beforeRequestFilter).toEqual({ urls: ['<all_urls>'] });
    const verdict = (url: string) => {
      const cb = vi.fn();
      session.beforeRequest?.({ url, resourceType: 'script' }, cb);
      return cb.mock.calls[0]?.[0];
    };
    expect(verdict('app://caducee/assets/index.js')).toEqual({});
    expect(verdict('https://cdn.example/x.js')).toEqual({ cancel: true });
    expect(verdict('ws://127.0.0.1:5219/bridge')).toEqual({ cancel: true });
  });

  it('logs refusals with scheme and host only', () => {
    const log = fs.readFileSync(path.join(fake.userData, 'logs', 'caducee.log'), 'utf8');
    expect(log).toContain('security.navigation-blocked');
    expect(log).toContain('evil.example');
    expect(log).not.toContain('ins=123');
  });

  it('installs a French application menu', () => {
    expect(JSON.stringify(fake.menu)).toContain('Édition');
  });

  it('focuses the existing window when a second instance starts', () => {
    expect(fake.appListeners.get('second-instance')).toHaveLength(1);
  });

  it('holds the first quit until the host has closed, then exits', async () => {
    const first = { preventDefault: vi.fn() };
    appEmit('before-quit', first);
    expect(first.preventDefault).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(fake.exits).toEqual([0]));
    expect(fake.ipcHandlers.has('caducee:invoke')).toBe(false);
    const second = { preventDefault: vi.fn() };
    appEmit('before-quit', second);
    expect(second.preventDefault).not.toHaveBeenCalled();
  });
});
