/**
 * The "dialog" port: how main asks the person for a file or folder. The Electron adapter
 * (src-main/app/dialog.ts) shows dialog.showOpenDialog; the browser harness and unit tests inject a
 * fake that answers prepared paths. It is the only way a path reaches the Verify service: the
 * renderer never sends one (docs/app.md, "Trust boundary: paths come from the dialog port").
 */
export interface DialogPort {
  /** An evidence bundle folder, or null when the person cancelled. */
  chooseBundleFolder(): Promise<string | null>;
  /** A trust file (JSON), or null when the person cancelled. */
  chooseTrustFile(): Promise<string | null>;
}

/** The port when no dialog is available (a headless composition): every choice is cancelled. */
export const NO_DIALOG: DialogPort = Object.freeze({
  chooseBundleFolder: () => Promise.resolve(null),
  chooseTrustFile: () => Promise.resolve(null),
});
