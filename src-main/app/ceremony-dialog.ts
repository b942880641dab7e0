/**
 * The Electron side of the ceremony dialog port (src-main/services/ceremony-ui.ts): native open and
 * save dialogs, modal to the app's window. The paths the person picks are the only paths the
 * Ceremonies screen's adapter ever receives.
 */
import { dialog, type BrowserWindow } from 'electron';
import type { CeremonyDialogPort } from '../services/ceremony-ui.js';

export function electronCeremonyDialog(window: () => BrowserWindow | null): CeremonyDialogPort {
  const open = async (options: Electron.OpenDialogOptions): Promise<string | null> => {
    const win = window();
    const r = win === null ? await dialog.showOpenDialog(options) : await dialog.showOpenDialog(win, options);
    return r.canceled ? null : (r.filePaths[0] ?? null);
  };
  return Object.freeze({
    chooseKeyFolder: (participant: string) =>
      open({ title: `Key folder of ${participant}`, properties: ['openDirectory', 'dontAddToRecent'] }),
    chooseShareFile: (custodian: string, what: string) =>
      open({
        title: `Share of ${custodian}: ${what}`,
        properties: ['openFile', 'dontAddToRecent'],
        filters: [{ name: 'Sealed share', extensions: ['json'] }],
      }),
    chooseCustodianKeyFile: (custodian: string) =>
      open({ title: `X25519 key file of ${custodian}`, properties: ['openFile', 'dontAddToRecent'] }),
    chooseTranscriptTarget: async (defaultName: string) => {
      const win = window();
      const options: Electron.SaveDialogOptions = {
        title: 'Export ceremony transcript',
        defaultPath: defaultName,
        filters: [{ name: 'Transcript', extensions: ['json'] }],
        properties: ['dontAddToRecent', 'showOverwriteConfirmation'],
      };
      const r =
        win === null ? await dialog.showSaveDialog(options) : await dialog.showSaveDialog(win, options);
      return r.canceled || r.filePath === undefined || r.filePath === '' ? null : r.filePath;
    },
  });
}
