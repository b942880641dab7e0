/**
 * The Electron side of the dialog port (src-main/services/dialog-port.ts): native open dialogs,
 * modal to the app's window. The path the person picks is the only path the Verify service ever
 * receives; the renderer only learns an id for it.
 */
import { dialog, type BrowserWindow } from 'electron';
import type { DialogPort } from '../services/dialog-port.js';

export function electronDialog(window: () => BrowserWindow | null): DialogPort {
  const pick = async (options: Electron.OpenDialogOptions): Promise<string | null> => {
    const win = window();
    const r = win === null ? await dialog.showOpenDialog(options) : await dialog.showOpenDialog(win, options);
    return r.canceled ? null : (r.filePaths[0] ?? null);
  };
  return Object.freeze({
    chooseBundleFolder: () =>
      pick({ title: 'Open evidence bundle', properties: ['openDirectory', 'dontAddToRecent'] }),
    chooseTrustFile: () =>
      pick({
        title: 'Choose trust roots',
        properties: ['openFile', 'dontAddToRecent'],
        filters: [{ name: 'Trust file', extensions: ['json'] }],
      }),
  });
}
