import { BrowserWindow, ipcMain } from 'electron';
import { ipcChannels, type CallResult } from '../../shared/api/index.js';
import type { Host } from '../host/createHost.js';
import { isAppUrl } from './appOrigin.js';
import { callContextOf, parseInvokePayload } from './callContext.js';

/**
 * The Electron transport of the contract: one `invoke` channel into the router, one `event`
 * channel out. The router judges the sender (origin, main frame) and validates everything;
 * this file only says who is calling and refuses payloads that are not even shaped as a call.
 * Returns a function that unwires both directions (shutdown).
 */
export function wireIpc(host: Host): () => void {
  ipcMain.handle(ipcChannels.invoke, async (event, payload: unknown): Promise<CallResult> => {
    const ctx = callContextOf(event.senderFrame, event.sender.isDestroyed() ? null : event.sender.mainFrame);
    const call = parseInvokePayload(payload);
    if (!call) {
      host.log.warn('ipc.malformed-payload', { mainFrame: ctx.isMainFrame });
      return { ok: false, error: { code: 'UNKNOWN_METHOD' } };
    }
    try {
      return await host.router.call(call.method, call.input, ctx);
    } catch (error) {
      // The router never throws by design; if it ever did, the renderer still gets a code.
      host.log.error('ipc.router-threw', { error: error instanceof Error ? error.name : typeof error });
      return { ok: false, error: { code: 'INTERNAL' } };
    }
  });

  const unsubscribe = host.events.subscribe((event, payload) => {
    for (const window of BrowserWindow.getAllWindows()) {
      const contents = window.webContents;
      // Events carry settings and status: only to documents of the app's own origin.
      if (window.isDestroyed() || contents.isDestroyed() || !isAppUrl(contents.getURL())) continue;
      contents.send(ipcChannels.event, { event, payload });
    }
  });

  return () => {
    unsubscribe();
    ipcMain.removeHandler(ipcChannels.invoke);
  };
}
