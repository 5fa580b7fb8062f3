import { BrowserWindow } from 'electron';
import type { Logger } from '../policy/logger.js';
import { APP_ENTRY_URL } from './appOrigin.js';
import { createSecureWindow } from './windowOptions.js';

export interface MainWindowOptions {
  readonly preload: string;
  readonly devTools: boolean;
  readonly log: Logger;
}

/** The main window: hardened preferences (windowOptions.ts), shown once painted, app origin only. */
export function openMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = createSecureWindow(BrowserWindow, { preload: options.preload, devTools: options.devTools });
  window.once('ready-to-show', () => window.show());
  window.webContents.on('render-process-gone', (_event, details) => {
    options.log.error('window.renderer-gone', { reason: details.reason, exitCode: details.exitCode });
  });
  window.webContents.on('preload-error', (_event, _path, error) => {
    options.log.error('window.preload-error', { error: error.name });
  });
  window.loadURL(APP_ENTRY_URL).catch((error: unknown) => {
    options.log.error('window.load-failed', { error: error instanceof Error ? error.name : typeof error });
  });
  return window;
}

/** Brings a window to the front (second instance started, dock icon clicked). */
export function focusWindow(window: BrowserWindow | undefined): void {
  if (!window || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
