import type { BrowserWindowConstructorOptions } from 'electron';

/**
 * The one place a Caducée window is constructed, with every security-relevant web preference
 * written out explicitly (never left to a default that a future Electron might change).
 *
 * The BrowserWindow class is passed in rather than imported, so this file has no runtime
 * 'electron' import: windowOptions.test.ts builds a window with a recording stand-in and asserts
 * the flags, and electronegativity still sees the literal options of `new BrowserWindow(...)`.
 */
export type WindowConstructor<W> = new (options: BrowserWindowConstructorOptions) => W;

export interface SecureWindowOptions {
  /** Absolute path of the bundled CommonJS preload (`dist/preload/preload.cjs`). */
  readonly preload: string;
  /** DevTools only in unpackaged development runs; always false in an installed build. */
  readonly devTools?: boolean;
}

export function createSecureWindow<W>(BrowserWindow: WindowConstructor<W>, options: SecureWindowOptions): W {
  return new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 600,
    title: 'Caducée',
    // Shown on 'ready-to-show' so the user never sees an empty white frame.
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: {
      // The renderer is an ordinary sandboxed Chromium page: no Node, no Electron APIs.
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      // enableBlinkFeatures is deliberately absent. Middle-click (auxclick) would be another
      // way to ask for a new window; window.open is denied anyway, this removes the event.
      disableBlinkFeatures: 'Auxclick',
      webviewTag: false,
      enableWebSQL: false,
      navigateOnDragDrop: false,
      // The spellchecker downloads dictionaries from Google's servers: off (no remote fetch).
      spellcheck: false,
      safeDialogs: true,
      devTools: options.devTools === true,
      // Reviewed preload (preload.ts): sandboxed, CommonJS, exposes only `window.caducee` with
      // invoke/on through contextBridge; no ipcRenderer, no Node API reaches the page.
      preload: options.preload, /* eng-disable PRELOAD_JS_CHECK */
    },
  });
}
