/**
 * The BrowserWindow options, kept apart from main.ts so a unit test can check every hardening
 * flag without Electron. Each line is a decision; test/unit/app/window-options.test.ts fails if
 * one is weakened. See docs/app.md "Hardening".
 */
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

export interface WindowOptionsInput {
  /** Absolute path of the built preload script (CommonJS, required for a sandboxed preload). */
  readonly preload: string;
  /** DevTools only for local debugging of an unpackaged build; never in a packaged app. */
  readonly devTools?: boolean;
}

export function webPreferences(input: WindowOptionsInput): WebPreferences {
  return {
    preload: input.preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    enableBlinkFeatures: '',
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    plugins: false,
    enableWebSQL: false,
    webgl: false,
    devTools: input.devTools === true,
  };
}

export function windowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Q-Trust Desktop',
    backgroundColor: '#0f1720',
    autoHideMenuBar: true,
    webPreferences: webPreferences(input),
  };
}
