import { dialog, type BrowserWindow, type OpenDialogOptions } from 'electron';
import type { PickFile } from '../host/directoryHandlers.js';

/**
 * The OS "open file" dialog, for the host's `pickFile` dependency (the Annuaire Santé
 * extraction): one file, filtered on the extensions asked for, modal to the main window when
 * there is one. The path goes to main only; the renderer never sees it.
 */
export function filePicker(parent: () => BrowserWindow | undefined): PickFile {
  return async ({ title, extensions }) => {
    const options: OpenDialogOptions = {
      title,
      properties: ['openFile'],
      filters: [
        { name: extensions.map((e) => `.${e}`).join(', '), extensions: [...extensions] },
        { name: '*', extensions: ['*'] },
      ],
    };
    const window = parent();
    const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  };
}
