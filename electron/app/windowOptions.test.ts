import type { BrowserWindowConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { createSecureWindow } from './windowOptions.js';

class RecordingWindow {
  constructor(readonly options: BrowserWindowConstructorOptions) {}
}

const preload = '/opt/caducee/resources/app.asar/dist/preload/preload.cjs';

describe('createSecureWindow', () => {
  it('sets every security flag of the renderer explicitly', () => {
    const { options } = createSecureWindow(RecordingWindow, { preload });
    const prefs = options.webPreferences ?? {};
    expect(prefs).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      enableWebSQL: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      disableBlinkFeatures: 'Auxclick',
      devTools: false,
      preload,
    });
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(prefs).not.toHaveProperty('additionalArguments');
    expect(prefs).not.toHaveProperty('partition');
  });

  it('sets no preference beyond the reviewed list', () => {
    const { options } = createSecureWindow(RecordingWindow, { preload });
    expect(Object.keys(options.webPreferences ?? {}).sort()).toEqual(
      [
        'allowRunningInsecureContent',
        'contextIsolation',
        'devTools',
        'disableBlinkFeatures',
        'enableWebSQL',
        'experimentalFeatures',
        'navigateOnDragDrop',
        'nodeIntegration',
        'nodeIntegrationInSubFrames',
        'nodeIntegrationInWorker',
        'preload',
        'safeDialogs',
        'sandbox',
        'spellcheck',
        'webSecurity',
        'webviewTag',
      ].sort(),
    );
  });

  it('creates the window hidden, to show it once painted', () => {
    expect(createSecureWindow(RecordingWindow, { preload }).options.show).toBe(false);
  });

  it('enables DevTools only when asked (unpackaged runs)', () => {
    expect(createSecureWindow(RecordingWindow, { preload, devTools: true }).options.webPreferences?.devTools).toBe(true);
  });
});
